using Microsoft.EntityFrameworkCore;

namespace MigrationMiddleware.TestSupport;

/// <summary>
/// The test service's model: identity keys, a composite key, an owned reference, an owned collection, a shadow property,
/// an application-managed concurrency token, and cascading relationships.
/// </summary>
public sealed class ShopDb(DbContextOptions<ShopDb> options) : DbContext(options)
{
    public const string LastChangedBy = nameof(LastChangedBy);

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    public DbSet<Measurement> Measurements => Set<Measurement>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.Property(c => c.Name).HasMaxLength(200);
            customer.Property(c => c.CreditLimit).HasPrecision(18, 2);
            customer.Property<string?>(LastChangedBy).HasMaxLength(50);
            customer.OwnsOne(c => c.Address);
        });

        modelBuilder.Entity<Order>(order =>
        {
            order.Property(o => o.Total).HasPrecision(18, 2);
            order.Property(o => o.Version).IsConcurrencyToken();
            order.HasOne(o => o.Customer).WithMany(c => c.Orders).HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Cascade);
            order.OwnsMany(o => o.Notes, note =>
            {
                note.WithOwner().HasForeignKey("OrderId");
                note.HasKey("OrderId", nameof(OrderNote.Seq));
                note.Property(n => n.Seq).ValueGeneratedNever();
            });
        });

        modelBuilder.Entity<Measurement>(measurement =>
        {
            measurement.Property(m => m.Amount).HasPrecision(18, 6);
            if (Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
            {
                // A wall-clock time with no zone: PostgreSQL's "timestamp without time zone".
                measurement.Property(m => m.LocalTime).HasColumnType("timestamp without time zone");
            }
        });

        modelBuilder.Entity<OrderLine>(line =>
        {
            line.HasKey(l => new { l.OrderId, l.LineNo });
            line.Property(l => l.UnitPrice).HasPrecision(18, 2);
            line.HasOne<Order>().WithMany(o => o.Lines).HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

public sealed class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string? Email { get; set; }

    public decimal CreditLimit { get; set; }

    public Address? Address { get; set; }

    public List<Order> Orders { get; set; } = [];
}

public sealed class Address
{
    public string Street { get; set; } = string.Empty;

    public string City { get; set; } = string.Empty;

    public string? PostCode { get; set; }
}

public enum OrderStatus
{
    Open,
    Paid,
    Shipped,
}

public sealed class Order
{
    public int Id { get; set; }

    public int CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public OrderStatus Status { get; set; }

    public decimal Total { get; set; }

    public int Version { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    public List<OrderNote> Notes { get; set; } = [];
}

public sealed class OrderLine
{
    public int OrderId { get; set; }

    public int LineNo { get; set; }

    public string Sku { get; set; } = string.Empty;

    public int Quantity { get; set; }

    public decimal UnitPrice { get; set; }
}

public sealed class OrderNote
{
    public int Seq { get; set; }

    public string Text { get; set; } = string.Empty;
}

public enum Level
{
    Low = 1,
    High = 2,
}

/// <summary>One of every type engines store differently: what "equal data" must survive in both directions.</summary>
public sealed class Measurement
{
    public Guid Id { get; set; }

    public string Label { get; set; } = string.Empty;

    public decimal Amount { get; set; }

    public double Ratio { get; set; }

    public DateTime TakenAt { get; set; }

    public DateTime? LocalTime { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public TimeSpan Duration { get; set; }

    public DateOnly Day { get; set; }

    public Level Level { get; set; }

    public byte[]? Payload { get; set; }

    public bool Flag { get; set; }

    public string? Note { get; set; }
}
