using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Interception;

public abstract class WriteCaptureTests(StoreKind oldKind) : ShopStoresTest(oldKind)
{
    [Fact]
    public async Task Owned_types_composite_keys_shadow_properties_and_relationships_reach_the_secondary()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        int customerId, orderId;
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var customer = NewCustomer("Grace");
            var order = new Order
            {
                Customer = customer,
                Status = OrderStatus.Open,
                Total = 42.10m,
                Lines = [new OrderLine { LineNo = 1, Sku = "A-1", Quantity = 2, UnitPrice = 10.05m }, new OrderLine { LineNo = 2, Sku = "B-2", Quantity = 1, UnitPrice = 22m }],
                Notes = [new OrderNote { Seq = 1, Text = "leave at door" }],
            };

            // Parent, child and grandchildren in one SaveChanges, with store-generated keys the children must pick up.
            db.Orders.Add(order);
            db.Entry(customer).Property(ShopDb.LastChangedBy).CurrentValue = "importer";
            await db.SaveChangesAsync();
            customerId = customer.Id;
            orderId = order.Id;
        }

        var rows = await AssertStoresEqualAsync();
        Assert.Contains(rows, r => r.StartsWith($"customer {customerId} Grace", StringComparison.Ordinal) && r.EndsWith("1 Main St/Springfield/12345 by=importer", StringComparison.Ordinal));
        Assert.Contains($"line {orderId}/2 B-2 x1 @22", rows);
        Assert.Contains(rows, r => r.StartsWith($"order {orderId} ", StringComparison.Ordinal) && r.EndsWith("notes=[1:leave at door]", StringComparison.Ordinal));

        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var customer = await db.Customers.SingleAsync();
            var order = await db.Orders.Include(o => o.Lines).SingleAsync();

            // Changes only inside owned entities and a shadow property, a changed child, a removed child, a new owned item.
            customer.Address!.City = "Shelbyville";
            db.Entry(customer).Property(ShopDb.LastChangedBy).CurrentValue = "support";
            order.Lines.Single(l => l.LineNo == 1).Quantity = 5;
            order.Lines.Remove(order.Lines.Single(l => l.LineNo == 2));
            order.Notes.Add(new OrderNote { Seq = 2, Text = "fragile" });
            await db.SaveChangesAsync();
        }

        rows = await AssertStoresEqualAsync();
        Assert.Contains(rows, r => r.Contains("1 Main St/Shelbyville/12345 by=support", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.StartsWith($"line {orderId}/2 ", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.EndsWith("notes=[1:leave at door|2:fragile]", StringComparison.Ordinal));

        await using (var scope = host.CreateScope())
        {
            // Deleting the parent: its children go first, on both stores.
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Customers.Remove(await db.Customers.Include(c => c.Orders).ThenInclude(o => o.Lines).SingleAsync());
            await db.SaveChangesAsync();
        }

        Assert.Empty(await AssertStoresEqualAsync());
        Assert.Empty(host.Sink.Pending);
    }

    [Fact]
    public async Task The_synchronous_SaveChanges_path_writes_the_secondary_too()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Customers.Add(NewCustomer("Sync"));
            db.SaveChanges();
            var customer = db.Customers.Single();
            customer.Email = "changed@example.test";
            db.SaveChanges();
        }

        var rows = await AssertStoresEqualAsync();
        Assert.Contains(rows, r => r.Contains("changed@example.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_explicit_transaction_reaches_the_secondary_only_when_it_commits()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Customers.Add(NewCustomer("Rolled"));
            await db.SaveChangesAsync();
            db.Customers.Add(NewCustomer("Back"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.DoesNotContain(host.Commands.Writes, w => w.Store == "new");
        Assert.Empty(await SnapshotAsync(New));
        Assert.Empty(await SnapshotAsync(Old));

        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Customers.Add(NewCustomer("Committed"));
            await db.SaveChangesAsync();
            Assert.Empty(await SnapshotAsync(New));
            await transaction.CommitAsync();
        }

        Assert.Single(await AssertStoresEqualAsync());
    }

    [Fact]
    public async Task A_concurrency_token_that_differs_on_the_secondary_does_not_fail_the_secondary_write()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        int orderId;
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var order = new Order { Customer = NewCustomer("Token"), Total = 1m, Version = 1 };
            db.Orders.Add(order);
            await db.SaveChangesAsync();
            orderId = order.Id;
        }

        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"UPDATE \"Orders\" SET \"Version\" = 99 WHERE \"Id\" = {orderId}");

        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var order = await db.Orders.SingleAsync();
            order.Total = 2m;
            order.Version++;
            await db.SaveChangesAsync();
        }

        Assert.Empty(host.Sink.Pending);
        var rows = await AssertStoresEqualAsync();
        Assert.Contains(rows, r => r.StartsWith($"order {orderId} ", StringComparison.Ordinal) && r.Contains(" 2 v=2 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Applying_a_change_twice_or_an_update_to_a_row_the_secondary_never_saw_ends_in_the_correct_state()
    {
        // Written while only the old store was in use: the new store never sees the insert.
        var host = await StartShopAsync(MigrationPhase.OldOnly);
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Orders.Add(new Order { Customer = NewCustomer("Unseen"), Total = 5m, Lines = [new OrderLine { LineNo = 1, Sku = "S", Quantity = 1, UnitPrice = 5m }] });
            await db.SaveChangesAsync();
        }

        Assert.Empty(await SnapshotAsync(New));
        await host.SetPhaseAsync(MigrationPhase.DualWrite);

        await using (var scope = host.CreateScope())
        {
            // An update of a line whose order and customer the new store lacks: the apply pulls the parents in.
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var line = await db.OrderLines.SingleAsync();
            line.Quantity = 3;
            await db.SaveChangesAsync();
        }

        var expected = await AssertStoresEqualAsync();
        Assert.Equal(3, expected.Count);

        // Applying the same keys again changes nothing.
        var runtime = host.Services.GetRequiredService<MigrationRegistry>().Get("shop");
        var keys = runtime.Entities.All.Select(e => e.Name).ToList();
        Assert.Contains(typeof(Customer).FullName, keys);
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var line = await db.OrderLines.SingleAsync();
            var entity = runtime.Entities.FindByName(typeof(OrderLine).FullName!)!;
            var key = entity.CreateKey([line.OrderId, line.LineNo]);
            for (var i = 0; i < 2; i++)
            {
                var result = await runtime.Applier.ApplyAsync(async: true, StoreRole.Old, [key], CancellationToken.None);
                Assert.True(result.Succeeded);
            }
        }

        Assert.Equal(expected, await AssertStoresEqualAsync());
    }
}

public sealed class SqliteToPostgres_WriteCaptureTests() : WriteCaptureTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_WriteCaptureTests() : WriteCaptureTests(StoreKind.Postgres);

/// <summary>System.Transactions needs a provider that enlists; SQLite's does not, so this runs on PostgreSQL only.</summary>
public sealed class PostgresAmbientTransactionTests() : ShopStoresTest(StoreKind.Postgres)
{
    [Fact]
    public async Task An_ambient_TransactionScope_reaches_the_secondary_when_it_completes()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
            {
                db.Customers.Add(NewCustomer("Abandoned"));
                await db.SaveChangesAsync();
            }

            db.ChangeTracker.Clear();
            using (var committed = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
            {
                db.Customers.Add(NewCustomer("Completed"));
                await db.SaveChangesAsync();
                committed.Complete();
            }
        }

        var rows = await AssertStoresEqualAsync();
        Assert.Single(rows);
        Assert.Contains("Completed", rows[0], StringComparison.Ordinal);
    }
}
