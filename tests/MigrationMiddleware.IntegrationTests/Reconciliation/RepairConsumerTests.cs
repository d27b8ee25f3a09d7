using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Reconciliation;

/// <summary>The repair consumer on MassTransit's test harness (in-memory transport), against real databases.</summary>
public abstract class RepairConsumerTests(StoreKind oldKind) : ShopStoresTest(oldKind, newThroughProxy: true)
{
    private const string Intents = "mm_write_intents";

    [Fact]
    public async Task Failed_secondary_writes_are_repaired_through_the_bus_once_the_secondary_is_back()
    {
        var host = await StartAsync(MigrationPhase.DualWrite);
        New.Proxy!.Refuse();
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Orders.Add(new Order { Customer = NewCustomer("Outage"), Total = 9m, Lines = [new OrderLine { LineNo = 1, Sku = "Z", Quantity = 3, UnitPrice = 3m }] });
            await db.SaveChangesAsync();
        }

        // The intents were written with the primary change and stay until the rows are repaired.
        Assert.Equal(3, await Old.CountRowsAsync(Intents));
        var harness = host.Services.GetRequiredService<ITestHarness>();
        await Eventually.HoldsAsync(
            () => Task.FromResult(harness.Published.Select<RepairEntity>(m => m.Context.Message.Reason == RepairReason.SecondaryWriteFailed).Count() == 3),
            TimeSpan.FromSeconds(30),
            "three repair requests published");

        New.Proxy.Start();
        var drained = await Eventually.HoldsAsync(async () => await Old.CountRowsAsync(Intents) == 0, TimeSpan.FromSeconds(60), "every intent completed");

        Assert.Equal(3, (await AssertStoresEqualAsync()).Count);
        Assert.True(drained < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Duplicated_reordered_and_stale_requests_end_in_the_current_state()
    {
        var host = await StartAsync(MigrationPhase.OldOnly);
        int kept, deleted;
        await using (var scope = host.CreateScope())
        {
            // Changes the new store never sees: written before dual writing.
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var keep = NewCustomer("Kept v1");
            var delete = NewCustomer("Deleted");
            db.Customers.AddRange(keep, delete);
            await db.SaveChangesAsync();
            keep.Name = "Kept v2";
            await db.SaveChangesAsync();
            (kept, deleted) = (keep.Id, delete.Id);
        }

        await host.SetPhaseAsync(MigrationPhase.DualWrite);
        var bus = host.Services.GetRequiredService<IBus>();
        await bus.Publish(Request(kept, "stale: sent for v1"));
        await bus.Publish(Request(deleted, "insert"));
        await ConsumedAsync(host, 2);

        // The row changes again after its requests were sent, and one row goes away: old, duplicated and reordered requests follow.
        await Old.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"UPDATE \"Customers\" SET \"Name\" = 'Kept v3' WHERE \"Id\" = {kept}");
        await Old.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"DELETE FROM \"Customers\" WHERE \"Id\" = {deleted}");
        foreach (var message in new[] { Request(deleted, "duplicate of insert"), Request(kept, "duplicate"), Request(deleted, "delete"), Request(kept, "stale: sent for v1") })
        {
            await bus.Publish(message);
        }

        await ConsumedAsync(host, 6);
        var rows = await AssertStoresEqualAsync();
        Assert.Single(rows);
        Assert.Contains("Kept v3", rows[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_cutover_repairs_land_in_the_old_store()
    {
        var host = await StartAsync(MigrationPhase.Cutover);
        int id;
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var customer = NewCustomer("Authoritative in new");
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            id = customer.Id;
        }

        // The old store loses the row (as if its write had failed); a repair targets the old store and copies it from the new one.
        await Old.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"DELETE FROM \"Customers\" WHERE \"Id\" = {id}");
        await host.Services.GetRequiredService<IBus>().Publish(Request(id, "cutover", StoreRole.Old));
        await ConsumedAsync(host, 1);

        Assert.Single(await AssertStoresEqualAsync());
    }

    [Fact]
    public async Task Requests_that_can_never_succeed_fault_at_once_and_the_consumer_goes_on()
    {
        var host = await StartAsync(MigrationPhase.DualWrite);
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Customers.Add(NewCustomer("After the bad ones"));
            await db.SaveChangesAsync();
        }

        var id = (await OpenOld().Customers.SingleAsync()).Id;
        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), "DELETE FROM \"Customers\"");
        var bus = host.Services.GetRequiredService<IBus>();
        await bus.Publish(Request(id, "unknown type") with { EntityType = "System.String" });
        await bus.Publish(Request(id, "bad key") with { KeyValues = ["not a number"] });
        await bus.Publish(Request(id, "unknown migration") with { MigrationName = "elsewhere" });
        await bus.Publish(Request(id, "good"));

        var harness = host.Services.GetRequiredService<ITestHarness>();
        await ConsumedAsync(host, 4);
        var faults = harness.Published.Select<Fault<RepairEntity>>().Select(f => f.Context.Message.Exceptions[0].Message).ToList();
        Assert.Equal(3, faults.Count);
        Assert.Contains("Invalid repair request: 'System.String' is not an entity type of migration 'shop'.", faults);
        Assert.Contains(faults, f => f.Contains("'not a number' is not a valid value for key property 'Id' (Int32)", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.Contains("no migration named 'elsewhere'", StringComparison.Ordinal));
        Assert.Single(await AssertStoresEqualAsync());
    }

    private static RepairEntity Request(int customerId, string detail, StoreRole target = StoreRole.New) =>
        Repairs.ForCustomer(customerId, typeof(Customer).FullName!, target, detail);

    private static Task ConsumedAsync(MigrationTestHost host, int count) =>
        host.Services.GetRequiredService<ConsumeCounter>().WaitForAsync(count, TimeSpan.FromSeconds(60));

    private async Task<MigrationTestHost> StartAsync(MigrationPhase phase)
    {
        var host = await StartShopAsync(
            phase,
            options: Repairs.QuickRelay,
            builder: b => b.AddMassTransitReconciliation(o =>
            {
                o.RetryLimit = 1;
                o.RetryMinInterval = TimeSpan.FromMilliseconds(50);
                o.RetryMaxInterval = TimeSpan.FromMilliseconds(100);
                o.RetryIntervalDelta = TimeSpan.FromMilliseconds(50);
            }),
            services: s =>
            {
                s.AddMassTransitTestHarness(x => x.AddMigrationRepairConsumer());
                s.AddSingleton(sp => ConsumeCounter.Attach(sp.GetRequiredService<IBus>()));
            });
        host.Services.GetRequiredService<ConsumeCounter>();
        return host;
    }
}

public sealed class SqliteToPostgres_RepairConsumerTests() : RepairConsumerTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_RepairConsumerTests() : RepairConsumerTests(StoreKind.Postgres);
