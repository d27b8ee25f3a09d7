using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace MigrationMiddleware.TestSupport;

/// <summary>
/// A mix of inserts, updates and deletes of customers, orders, lines and owned entities over a shared set of keys: what the
/// concurrency tests, the fault runs and the crash test's child process all do.
/// </summary>
public sealed class ShopWorkload
{
    private readonly ConcurrentDictionary<int, byte> _customers = new();
    private readonly ConcurrentDictionary<int, byte> _orders = new();

    public static Customer NewCustomer(string name) => new()
    {
        Name = name,
        Email = name.ToLowerInvariant() + "@example.test",
        CreditLimit = 125.50m,
        Address = new Address { Street = "1 Main St", City = "Springfield", PostCode = "12345" },
    };

    /// <summary>Adds a customer and remembers its key for later operations.</summary>
    public async Task SeedAsync(ShopDb db, string name)
    {
        var customer = NewCustomer(name);
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        _customers[customer.Id] = 0;
    }

    /// <summary>
    /// Gets whether an exception is the application's own write conflict (a row another writer changed or deleted first, or a
    /// deadlock between two writers), which the database reports to the caller with or without the middleware.
    /// </summary>
    public static bool IsConflict(Exception exception) =>
        exception is DbUpdateException || exception is InvalidOperationException { InnerException: DbUpdateException };

    /// <summary>Runs one randomly chosen operation. The application's own conflicts surface as exceptions <see cref="IsConflict"/> recognizes.</summary>
    public async Task OperateAsync(ShopDb db, Random random, string tag)
    {
        var roll = random.Next(100);
        var customerId = Pick(random, _customers);
        var orderId = Pick(random, _orders);
        switch (roll)
        {
            case < 20:
                var customer = NewCustomer("C" + tag);
                db.Customers.Add(customer);
                await db.SaveChangesAsync();
                _customers[customer.Id] = 0;
                break;
            case < 45 when customerId is { } id && await db.Customers.FindAsync(id) is { } existing:
                existing.Name = "U" + tag;
                existing.CreditLimit = random.Next(1000);
                existing.Address = random.Next(3) == 0 ? null : new Address { Street = tag, City = "City" + random.Next(5) };
                db.Entry(existing).Property(ShopDb.LastChangedBy).CurrentValue = tag;
                await db.SaveChangesAsync();
                break;
            case < 55 when customerId is { } id && await db.Customers.FindAsync(id) is { } doomed:
                db.Customers.Remove(doomed);
                await db.SaveChangesAsync();
                _customers.TryRemove(id, out _);
                break;
            case < 75 when customerId is { } id:
                var order = new Order
                {
                    CustomerId = id,
                    Total = random.Next(500),
                    Lines = [new OrderLine { LineNo = 1, Sku = tag, Quantity = 1, UnitPrice = 2m }, new OrderLine { LineNo = 2, Sku = tag, Quantity = 2, UnitPrice = 3m }],
                    Notes = [new OrderNote { Seq = 1, Text = tag }],
                };
                db.Orders.Add(order);
                await db.SaveChangesAsync();
                _orders[order.Id] = 0;
                break;
            case < 92 when orderId is { } id && await db.Orders.Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == id) is { } changing:
                changing.Status = (OrderStatus)random.Next(3);
                changing.Version++;
                changing.Notes.Add(new OrderNote { Seq = changing.Notes.Count + 1, Text = tag });
                if (changing.Lines.Count > 0)
                {
                    changing.Lines[^1].Quantity++;
                    if (random.Next(2) == 0)
                    {
                        changing.Lines.RemoveAt(0);
                    }
                }

                await db.SaveChangesAsync();
                break;
            case >= 92 when orderId is { } id && await db.Orders.FindAsync(id) is { } cancelled:
                db.Orders.Remove(cancelled);
                await db.SaveChangesAsync();
                _orders.TryRemove(id, out _);
                break;
        }
    }

    private static int? Pick(Random random, ConcurrentDictionary<int, byte> ids)
    {
        var keys = ids.Keys.ToList();
        return keys.Count == 0 ? null : keys[random.Next(keys.Count)];
    }
}
