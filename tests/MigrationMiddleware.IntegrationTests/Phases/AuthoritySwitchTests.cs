using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using MigrationMiddleware.SecondaryWrites;
using MigrationMiddleware.Telemetry;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Phases;

/// <summary>A switch of the authoritative store goes through checks; when one fails, the switch is refused and retried later.</summary>
public abstract class AuthoritySwitchTests(StoreKind oldKind) : ShopStoresTest(oldKind, newThroughProxy: true)
{
    [Fact]
    public async Task A_new_store_whose_keys_cannot_be_prepared_is_not_made_authoritative()
    {
        // Without intent tables the gate does not need the new store to count the backlog, so the key preparation is what fails.
        var host = await StartShopAsync(MigrationPhase.ShadowRead, options: o =>
        {
            o.DurableIntents = false;
            o.CreateIntentTables = false;
        });
        await AddCustomerAsync(host, "Before");
        New.Proxy!.Refuse();

        var phase = await RequestPhaseAsync(host, MigrationPhase.Cutover);

        Assert.Equal(MigrationPhase.ShadowRead, phase);
        // Each distinct reason is logged once (a cut pooled connection and a refused connect read differently).
        var refusals = host.Logs.WithEventId(MigrationEventIds.AuthoritySwitchRefused);
        Assert.NotEmpty(refusals);
        Assert.All(refusals, refusal =>
        {
            Assert.Contains("generated-key sequences could not be advanced", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("ShadowRead stays in effect", refusal.Message, StringComparison.Ordinal);
        });
        Assert.NotNull(host.Monitor.GetLastRefusal("shop"));

        // Requests keep working in the previous phase meanwhile.
        await AddCustomerAsync(host, "While refused");

        New.Proxy.Start();
        await host.Sink.RepairAsync();
        Assert.Equal(MigrationPhase.Cutover, await host.Monitor.RefreshAsync("shop"));
        Assert.Null(host.Monitor.GetLastRefusal("shop"));
        await AddCustomerAsync(host, "After");
        Assert.Equal(3, (await AssertStoresEqualAsync()).Count);
    }

    [Fact]
    public async Task Pending_repairs_hold_back_the_switch_until_they_are_repaired()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        New.Proxy!.Refuse();
        await AddCustomerAsync(host, "Missed");
        New.Proxy.Start();
        Assert.Single(host.Sink.Pending);

        Assert.Equal(MigrationPhase.DualWrite, await RequestPhaseAsync(host, MigrationPhase.Cutover));
        Assert.Contains("1 repair(s) are pending", host.Monitor.GetLastRefusal("shop"), StringComparison.Ordinal);

        await host.Sink.RepairAsync();
        Assert.Equal(MigrationPhase.Cutover, await host.Monitor.RefreshAsync("shop"));
        await AssertStoresEqualAsync();
    }

    [Fact]
    public async Task Deferred_writes_are_drained_before_the_new_store_becomes_authoritative()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite, options: o => o.WriteMode = SecondaryWriteMode.Deferred);
        for (var i = 0; i < 20; i++)
        {
            await AddCustomerAsync(host, "Deferred" + i);
        }

        await host.SetPhaseAsync(MigrationPhase.Cutover);

        // Nothing was waited for here: the switch itself waited for the queue.
        Assert.Equal(20, (await AssertStoresEqualAsync()).Count);
    }

    private static async Task<MigrationPhase> RequestPhaseAsync(MigrationTestHost host, MigrationPhase phase)
    {
        host.Configuration[PhaseFlags.VariantKey()] = phase.ToString();
        host.Configuration.Reload();
        return await host.Monitor.RefreshAsync("shop");
    }

    private static async Task AddCustomerAsync(MigrationTestHost host, string name)
    {
        await using var scope = host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        db.Customers.Add(NewCustomer(name));
        await db.SaveChangesAsync();
    }
}

public sealed class SqliteToPostgres_AuthoritySwitchTests() : AuthoritySwitchTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_AuthoritySwitchTests() : AuthoritySwitchTests(StoreKind.Postgres);
