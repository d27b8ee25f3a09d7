using Microsoft.EntityFrameworkCore;

namespace ShopSample;

/// <summary>An ordinary EF Core model: nothing in it knows about the migration.</summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>().Property(o => o.Total).HasPrecision(18, 2);
        modelBuilder.Entity<OrderLine>().HasKey(l => new { l.OrderId, l.LineNo });
        modelBuilder.Entity<OrderLine>().Property(l => l.UnitPrice).HasPrecision(18, 2);
    }
}

public sealed class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public List<Order> Orders { get; set; } = [];
}

public sealed class Order
{
    public int Id { get; set; }

    public int CustomerId { get; set; }

    public decimal Total { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public int OrderId { get; set; }

    public int LineNo { get; set; }

    public string Sku { get; set; } = string.Empty;

    public int Quantity { get; set; }

    public decimal UnitPrice { get; set; }
}

/// <summary>The service's own code: it uses its context as it always did.</summary>
public sealed class OrderService(ShopContext db)
{
    public async Task<Order> PlaceOrderAsync(string customerName, params (string Sku, int Quantity, decimal Price)[] lines)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Name == customerName) ?? new Customer { Name = customerName };
        var order = new Order { Lines = [.. lines.Select((l, i) => new OrderLine { LineNo = i + 1, Sku = l.Sku, Quantity = l.Quantity, UnitPrice = l.Price })] };
        order.Total = order.Lines.Sum(l => l.Quantity * l.UnitPrice);
        customer.Orders.Add(order);
        if (customer.Id == 0)
        {
            db.Customers.Add(customer);
        }

        await db.SaveChangesAsync();
        return order;
    }

    public async Task RenameAsync(string from, string to)
    {
        var customer = await db.Customers.SingleAsync(c => c.Name == from);
        customer.Name = to;
        await db.SaveChangesAsync();
    }

    public async Task CancelOrderAsync(int orderId)
    {
        db.Orders.Remove(await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Id == orderId));
        await db.SaveChangesAsync();
    }

    public Task<int> CountCustomersAsync() => db.Customers.CountAsync();
}
