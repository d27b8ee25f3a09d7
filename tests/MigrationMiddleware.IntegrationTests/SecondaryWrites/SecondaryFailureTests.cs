using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.SecondaryWrites;
using MigrationMiddleware.Telemetry;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.SecondaryWrites;

/// <summary>The new store sits behind a loopback proxy, so the tests can make it refuse connections for real.</summary>
public abstract class SecondaryFailureTests(StoreKind oldKind) : ShopStoresTest(oldKind, newThroughProxy: true)
{
    [Fact]
    public async Task When_the_secondary_refuses_connections_the_caller_succeeds_and_the_sink_gets_each_entity_and_key()
    {
        var migration = "refused_" + Guid.NewGuid().ToString("N")[..8];
        using var metrics = new MetricsCollector(migration);
        var host = await StartShopAsync(MigrationPhase.DualWrite, migrationName: migration);
        New.Proxy!.Refuse();

        Order order;
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            order = new Order { Customer = NewCustomer("Refused"), Total = 3m, Lines = [new OrderLine { LineNo = 1, Sku = "X", Quantity = 1, UnitPrice = 3m }] };
            db.Orders.Add(order);
            await db.SaveChangesAsync();
        }

        Assert.Equal(3, (await SnapshotAsync(Old)).Count);
        var pending = host.Sink.Pending;
        Assert.Equal(
            new[] { $"{typeof(Customer).FullName}({order.CustomerId})", $"{typeof(Order).FullName}({order.Id})", $"{typeof(OrderLine).FullName}({order.Id},1)" }.Order(),
            pending.Select(p => $"{p.EntityType}({string.Join(",", p.KeyValues)})").Order());
        Assert.All(pending, p =>
        {
            Assert.Equal(migration, p.MigrationName);
            Assert.Equal(StoreRole.New, p.TargetStore);
            Assert.Equal(RepairReason.SecondaryWriteFailed, p.Reason);
        });

        var failures = host.Logs.WithEventId(MigrationEventIds.SecondaryWriteFailed);
        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.Message.Contains($"{typeof(Customer).FullName} ({order.CustomerId})", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Records, r => r.Message.Contains("refused@example.test", StringComparison.Ordinal) || r.Message.Contains("Password", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(3, metrics.Sum("migration.secondary_write.failures"));

        New.Proxy.Start();
        Assert.Equal(3, await host.Sink.RepairAsync());
        Assert.Empty(host.Sink.Pending);
        await AssertStoresEqualAsync();
    }

    [Fact]
    public async Task A_constraint_violation_on_the_secondary_fails_only_the_offending_row()
    {
        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), "ALTER TABLE \"Customers\" ADD CONSTRAINT credit_cap CHECK (\"CreditLimit\" < 1000)");
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        Customer rich, modest;
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            rich = NewCustomer("Rich");
            rich.CreditLimit = 5000m;
            modest = NewCustomer("Modest");
            db.Customers.AddRange(rich, modest);
            await db.SaveChangesAsync();
        }

        Assert.Equal(2, (await SnapshotAsync(Old)).Count);
        var newRows = await SnapshotAsync(New);
        Assert.Single(newRows);
        Assert.Contains($"customer {modest.Id} Modest", newRows[0], StringComparison.Ordinal);
        var request = Assert.Single(host.Sink.Pending);
        Assert.Equal([rich.Id], request.KeyValues);
        Assert.Equal("DbUpdateException", request.Detail);
    }

    [Fact]
    public async Task A_secondary_that_does_not_answer_in_time_is_abandoned_and_handed_to_reconciliation()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite, options: o => o.SecondaryWriteTimeout = TimeSpan.FromSeconds(1));
        var customer = NewCustomer("Slow");
        await using (var tableLock = await TableLock.AcquireAsync(New, "Customers"))
        {
            await using var scope = host.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
        }

        var request = Assert.Single(host.Sink.Pending);
        Assert.Equal([customer.Id], request.KeyValues);
        Assert.Single(await SnapshotAsync(Old));
        Assert.Empty(await SnapshotAsync(New));
        Assert.Equal(1, await host.Sink.RepairAsync());
        await AssertStoresEqualAsync();
    }

    [Fact]
    public async Task A_full_deferred_queue_hands_changes_to_reconciliation_instead_of_dropping_them()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite, options: o =>
        {
            o.WriteMode = SecondaryWriteMode.Deferred;
            o.DeferredQueueCapacity = 2;
            o.DeferredBatchSize = 1;
            o.SecondaryWriteTimeout = TimeSpan.FromSeconds(60);
        });

        await using (var tableLock = await TableLock.AcquireAsync(New, "Customers"))
        {
            for (var i = 0; i < 6; i++)
            {
                await using var scope = host.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
                db.Customers.Add(NewCustomer("Queued" + i));
                await db.SaveChangesAsync();
            }

            // The writer is stuck on the lock with one change; two wait in the queue; the rest overflowed.
            Assert.InRange(host.Sink.Pending.Count, 3, 4);
            Assert.All(host.Sink.Pending, p => Assert.Equal(RepairReason.DeferredQueueOverflow, p.Reason));
            Assert.NotEmpty(host.Logs.WithEventId(MigrationEventIds.DeferredQueueOverflow));
        }

        Assert.True(await host.Monitor.DrainSecondaryWritesAsync("shop", TimeSpan.FromSeconds(60)));
        await host.Sink.RepairAsync();
        Assert.Equal(6, (await AssertStoresEqualAsync()).Count);
    }

    [Fact]
    public async Task Deferred_changes_still_queued_at_shutdown_go_to_reconciliation()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite, options: o =>
        {
            o.WriteMode = SecondaryWriteMode.Deferred;
            o.ShutdownDrainTimeout = TimeSpan.FromMilliseconds(500);
            o.SecondaryWriteTimeout = TimeSpan.FromSeconds(60);
        });

        await using (var tableLock = await TableLock.AcquireAsync(New, "Customers"))
        {
            for (var i = 0; i < 3; i++)
            {
                await using var scope = host.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
                db.Customers.Add(NewCustomer("Late" + i));
                await db.SaveChangesAsync();
            }

            await host.Host.StopAsync();
        }

        Assert.Equal(3, host.Sink.Pending.Count);
        Assert.All(host.Sink.Pending, p => Assert.Equal(RepairReason.Shutdown, p.Reason));
        Assert.Empty(await SnapshotAsync(New));
        Assert.Equal(3, await host.Sink.RepairAsync());
        Assert.Equal(3, (await AssertStoresEqualAsync()).Count);
    }
}

public sealed class SqliteToPostgres_SecondaryFailureTests() : SecondaryFailureTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_SecondaryFailureTests() : SecondaryFailureTests(StoreKind.Postgres);
