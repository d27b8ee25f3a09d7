using Microsoft.EntityFrameworkCore;

namespace MigrationMiddleware.TestSupport.Legacy;

/// <summary>The old model: customers in table "customers", with a Name column.</summary>
public sealed class LegacyDb(DbContextOptions<LegacyDb> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Customer>(c =>
        {
            c.ToTable("customers");
            c.OwnsOne(x => x.Address);
        });
}

public sealed class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string? Email { get; set; }

    public Address? Address { get; set; }
}

public sealed class Address
{
    public string City { get; set; } = string.Empty;
}
