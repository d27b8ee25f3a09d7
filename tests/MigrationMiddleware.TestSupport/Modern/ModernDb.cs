using Microsoft.EntityFrameworkCore;

namespace MigrationMiddleware.TestSupport.Modern;

/// <summary>The new model: the table is renamed to "clients" and Name became FullName.</summary>
public sealed class ModernDb(DbContextOptions<ModernDb> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Customer>(c =>
        {
            c.ToTable("clients");
            c.OwnsOne(x => x.Address);
        });
}

public sealed class Customer
{
    public int Id { get; set; }

    public string FullName { get; set; } = string.Empty;

    public string? Email { get; set; }

    public Address? Address { get; set; }
}

public sealed class Address
{
    public string City { get; set; } = string.Empty;
}
