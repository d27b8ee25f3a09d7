using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.IntegrationTests.Model;
using MigrationMiddleware.Phases;
using MigrationMiddleware.SecondaryWrites;
using Xunit;
using Xunit.Abstractions;

namespace MigrationMiddleware.IntegrationTests.SecondaryWrites;

/// <summary>
/// Eight writers hammer a small set of shared customers and orders with inserts, updates and deletes. Races between their
/// secondary writes (a stale copy landing last, a child applied before its parent, a parent deleted under a child) must all end
/// with both stores holding the same rows.
/// </summary>
public abstract class ConcurrentWritersTests(StoreKind oldKind, ITestOutputHelper output) : ShopStoresTest(oldKind)
{
    private const int Writers = 8;
    private const int OperationsPerWriter = 125;

    [Theory]
    [InlineData(SecondaryWriteMode.Inline)]
    [InlineData(SecondaryWriteMode.Deferred)]
    public async Task Eight_writers_on_overlapping_keys_leave_both_stores_equal(SecondaryWriteMode mode)
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite, options: o => o.WriteMode = mode);
        var customers = new ConcurrentDictionary<int, byte>();
        var orders = new ConcurrentDictionary<int, byte>();
        for (var i = 0; i < 10; i++)
        {
            await RunAsync(host, async db =>
            {
                var customer = NewCustomer("Seed" + i);
                db.Customers.Add(customer);
                await db.SaveChangesAsync();
                customers[customer.Id] = 0;
            });
        }

        var conflicts = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            for (var op = 0; op < OperationsPerWriter; op++)
            {
                try
                {
                    await RunAsync(host, db => OperateAsync(db, random, customers, orders, $"w{writer}o{op}"));
                }
                catch (DbUpdateException)
                {
                    // The application's own write conflicts (a row another writer deleted or changed first) fail on the
                    // primary, as they would without the middleware. They are not secondary failures.
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        Assert.True(await host.Monitor.DrainSecondaryWritesAsync("shop", TimeSpan.FromMinutes(2)));
        output.WriteLine($"{mode}: {Writers * OperationsPerWriter} operations in {started.Elapsed.TotalSeconds:0.0} s, {conflicts} primary conflicts, {host.Sink.Pending.Count} repairs pending");

        foreach (var g in host.Logs.WithEventId(1101).GroupBy(r => r.Message.Split('(').Last()))
        {
            output.WriteLine($"  {g.Count()} secondary write retries ({g.Key.TrimEnd(')', '.')})");
        }

        Assert.Empty(host.Sink.Pending);
        var rows = await AssertStoresEqualAsync();
        Assert.True(rows.Count > 10, "The run should leave rows behind.");
    }

    private static async Task OperateAsync(ShopDb db, Random random, ConcurrentDictionary<int, byte> customers, ConcurrentDictionary<int, byte> orders, string tag)
    {
        var roll = random.Next(100);
        var customerId = Pick(random, customers);
        var orderId = Pick(random, orders);
        switch (roll)
        {
            case < 20:
                var customer = NewCustomer("C" + tag);
                db.Customers.Add(customer);
                await db.SaveChangesAsync();
                customers[customer.Id] = 0;
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
                customers.TryRemove(id, out _);
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
                orders[order.Id] = 0;
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
                orders.TryRemove(id, out _);
                break;
        }
    }

    private static int? Pick(Random random, ConcurrentDictionary<int, byte> ids)
    {
        var keys = ids.Keys.ToList();
        return keys.Count == 0 ? null : keys[random.Next(keys.Count)];
    }

    private static async Task RunAsync(MigrationTestHost host, Func<ShopDb, Task> operation)
    {
        await using var scope = host.CreateScope();
        await operation(scope.ServiceProvider.GetRequiredService<ShopDb>());
    }
}

public sealed class SqliteToPostgres_ConcurrentWritersTests(ITestOutputHelper output) : ConcurrentWritersTests(StoreKind.Sqlite, output);

public sealed class PostgresToPostgres_ConcurrentWritersTests(ITestOutputHelper output) : ConcurrentWritersTests(StoreKind.Postgres, output);
