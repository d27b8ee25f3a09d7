using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Telemetry;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Stores;

public abstract class GeneratedKeyTests(StoreKind oldKind) : ShopStoresTest(oldKind)
{
    [Fact]
    public async Task Cutover_and_rollback_keep_keys_unique_and_lose_no_write()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        var early = await AddCustomersAsync(host, "Early1", "Early2");
        var newRows = await SnapshotAsync(New);
        Assert.Equal(early.Select(c => $"customer {c.Id} {c.Name}"), newRows.Select(r => string.Join(' ', r.Split(' ').Take(3))));

        // The new store's identity sequence has never been used: without preparation its next key would collide with Early1's.
        await host.SetPhaseAsync(MigrationPhase.Cutover);
        Assert.NotEmpty(host.Logs.WithEventId(MigrationEventIds.GeneratedKeysPrepared));
        var cutover = await AddCustomersAsync(host, "Cutover1", "Cutover2");
        Assert.All(cutover, c => Assert.True(c.Id > early.Max(e => e.Id)));

        await using (var scope = host.CreateScope())
        {
            // Updates and deletes made while the new store is authoritative flow back to the old store too.
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            (await db.Customers.SingleAsync(c => c.Name == "Early1")).Email = "updated-in-cutover@example.test";
            db.Customers.Remove(await db.Customers.SingleAsync(c => c.Name == "Early2"));
            await db.SaveChangesAsync();
        }

        // Roll back: the old store becomes authoritative again and must not hand out the keys created in Cutover.
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);
        var after = await AddCustomersAsync(host, "AfterRollback");
        Assert.True(after[0].Id > cutover.Max(c => c.Id));

        var rows = await AssertStoresEqualAsync();
        Assert.Equal(["Early1", "Cutover1", "Cutover2", "AfterRollback"], rows.Select(r => r.Split(' ')[2]));
        Assert.Contains(rows, r => r.Contains("updated-in-cutover@example.test", StringComparison.Ordinal));
        Assert.Empty(host.Sink.Pending);
    }

    private static async Task<List<Customer>> AddCustomersAsync(MigrationTestHost host, params string[] names)
    {
        await using var scope = host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        var customers = names.Select(NewCustomer).ToList();
        foreach (var customer in customers)
        {
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
        }

        return customers;
    }
}

public sealed class SqliteToPostgres_GeneratedKeyTests() : GeneratedKeyTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_GeneratedKeyTests() : GeneratedKeyTests(StoreKind.Postgres);
