using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.Repository;
using MigrationMiddleware.ShadowReads;
using MigrationMiddleware.Telemetry;
using MigrationMiddleware.TestSupport;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.ShadowReads;

/// <summary>Shadow reads against real stores: SQLite to PostgreSQL and PostgreSQL to PostgreSQL, the new store behind a proxy.</summary>
public abstract class ShadowReadTests(StoreKind oldKind) : ShopStoresTest(oldKind, newThroughProxy: true)
{
    private readonly List<MetricsCollector> _collectors = [];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _collectors.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Equal_data_of_every_tricky_type_in_both_stores_compares_as_matched()
    {
        var (host, recorder, _) = await StartAsync(MigrationPhase.DualWrite, repositories: true);
        var rows = MeasurementData.Create(Old.Kind);
        await WithDbAsync(host, async db =>
        {
            db.Measurements.AddRange(rows);
            await db.SaveChangesAsync();
        });
        Assert.Empty(host.Sink.Pending);

        await host.SetPhaseAsync(MigrationPhase.ShadowRead);
        await WithDbAsync(host, async db =>
        {
            Assert.Equal(2, (await db.Measurements.AsNoTracking().ToListWithShadowReadAsync()).Count);
            Assert.Equal(2, (await db.Measurements.ToListWithShadowReadAsync()).Count);
        });
        await using (var scope = host.CreateScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IRepository<Measurement>>();
            Assert.NotNull(await repository.GetByIdAsync(rows[0].Id));
            Assert.Equal(2, (await repository.ListAsync()).Count);
        }

        // Two queries, a key read and a list.
        var completed = await recorder.WaitForAsync(4);
        Assert.Equal(4, completed.Count);
        Assert.All(completed, c => Assert.Equal(ShadowReadOutcome.Matched, c.Outcome));
        Assert.All(completed, c => Assert.Empty(c.Mismatches));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Divergence_injected_into_the_new_store_is_reported_with_its_keys_and_properties(bool untracked)
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite);
        var ids = await SeedCustomersAsync(host, 5);
        await DivergeAsync(ids);
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);

        // Untracked, the other store is read untracked too; owned values (Address.City) are still compared.
        await WithDbAsync(host, async db => Assert.Equal(5, (await (untracked ? db.Customers.AsNoTracking() : db.Customers).OrderBy(c => c.Id).ToListWithShadowReadAsync()).Count));

        var comparison = Assert.Single(await recorder.WaitForAsync(1));
        Assert.Equal(ShadowReadOutcome.Mismatched, comparison.Outcome);
        Assert.Equal(typeof(Customer).FullName, comparison.EntityType);
        Assert.Equal(
            [
                $"{ids[1]} Different Name",
                $"{ids[2]} Different Address.City",
                $"{ids[3]} MissingInSecondary ",
                $"{999} ExtraInSecondary ",
            ],
            comparison.Mismatches.Select(m => $"{m.KeyValues[0]} {m.Kind} {string.Join(",", m.Properties)}").Order());

        var log = Assert.Single(host.Logs.WithEventId(MigrationEventIds.ShadowReadMismatch));
        Assert.Contains($"({ids[1]}) differs in Name", log.Message, StringComparison.Ordinal);
        Assert.Contains($"({ids[3]}) missing in new", log.Message, StringComparison.Ordinal);
        Assert.Contains("(999) extra in new", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Tampered", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Atlantis", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_are_logged_only_when_enabled_and_mismatches_can_request_repairs()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite, o =>
        {
            o.LogValues = true;
            o.RepairMismatches = true;
        });
        var ids = await SeedCustomersAsync(host, 5);
        await DivergeAsync(ids);
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);

        await WithDbAsync(host, async db => await db.Customers.ToListWithShadowReadAsync());
        await recorder.WaitForAsync(1);

        var log = Assert.Single(host.Logs.WithEventId(MigrationEventIds.ShadowReadMismatch));
        Assert.Contains("Name ('Customer1' vs 'Tampered')", log.Message, StringComparison.Ordinal);
        Assert.Equal(4, host.Sink.Pending.Count);
        Assert.All(host.Sink.Pending, r => Assert.Equal(RepairReason.ShadowReadMismatch, r.Reason));
        await host.Sink.RepairAsync();
        Assert.Equal(5, (await AssertStoresEqualAsync()).Count);
    }

    [Fact]
    public async Task When_the_secondary_is_down_callers_get_their_answer_and_the_errors_are_counted()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite);
        await SeedCustomersAsync(host, 3);
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);
        New.Proxy!.Refuse();

        for (var i = 0; i < 3; i++)
        {
            await WithDbAsync(host, async db => Assert.Equal(3, (await db.Customers.ToListWithShadowReadAsync()).Count));
        }

        var completed = await recorder.WaitForAsync(3);
        Assert.All(completed, c => Assert.Equal(ShadowReadOutcome.Error, c.Outcome));
        Assert.Equal(3, metrics.SumTagged("migration.shadow_read.comparisons", "migration.outcome", "error"));
        Assert.NotEmpty(host.Logs.WithEventId(MigrationEventIds.ShadowReadFailed));
    }

    [Fact]
    public async Task A_write_between_the_two_reads_is_transient_not_a_mismatch()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite);
        var ids = await SeedCustomersAsync(host, 3);
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);

        // The other store is locked, so the comparison's query waits; meanwhile the row changes in both stores. The caller's
        // answer (before the change) and the other store's (after it) differ, and the second read shows them equal again.
        await using (var locked = await TableLock.AcquireAsync(New, "Customers"))
        {
            await WithDbAsync(host, async db => Assert.Equal(3, (await db.Customers.ToListWithShadowReadAsync()).Count));
            await locked.ExecuteAsync($"UPDATE \"Customers\" SET \"Name\" = 'Changed meanwhile' WHERE \"Id\" = {ids[0]}");
            await Old.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"UPDATE \"Customers\" SET \"Name\" = 'Changed meanwhile' WHERE \"Id\" = {ids[0]}");
            await locked.CommitAsync();
        }

        var comparison = Assert.Single(await recorder.WaitForAsync(1));
        Assert.Equal(ShadowReadOutcome.Matched, comparison.Outcome);
        Assert.Equal(1, comparison.TransientRows);
        Assert.Empty(host.Logs.WithEventId(MigrationEventIds.ShadowReadMismatch));
    }

    [Fact]
    public async Task Concurrent_writes_during_shadow_reads_are_never_reported_as_mismatches()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite, o => o.MaxConcurrentComparisons = 8);
        var ids = await SeedCustomersAsync(host, 4);
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);

        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await WithDbAsync(host, async db =>
                {
                    var customer = await db.Customers.SingleAsync(c => c.Id == ids[w]);
                    customer.Name = $"w{w}v{i}";
                    customer.Address = new Address { Street = $"s{i}", City = "C" };
                    await db.SaveChangesAsync();
                });
            }
        })).ToList();

        var reads = 0;
        for (; reads < 60; reads++)
        {
            await WithDbAsync(host, async db => await db.Customers.ToListWithShadowReadAsync());
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await Eventually.HoldsAsync(
            () => Task.FromResult(recorder.Completed.Count + metrics.Sum("migration.shadow_read.skipped") >= reads),
            TimeSpan.FromSeconds(60),
            "every read compared or skipped");
        Assert.NotEmpty(recorder.Completed);
        Assert.DoesNotContain(recorder.Completed, c => c.Outcome is ShadowReadOutcome.Mismatched or ShadowReadOutcome.Error);
    }

    [Fact]
    public async Task Sampling_and_saturation_skip_comparisons_and_count_them_without_delaying_callers()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite, o =>
        {
            o.SampleRate = 0.5;
            o.MaxConcurrentComparisons = 1;
            o.ComparisonTimeout = TimeSpan.FromSeconds(60);
        });
        await SeedCustomersAsync(host, 2);
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);

        // With the other store locked, the first sampled comparison holds the only slot; every later sampled read finds none.
        await using (var locked = await TableLock.AcquireAsync(New, "Customers"))
        {
            for (var i = 0; i < 200; i++)
            {
                await WithDbAsync(host, async db => Assert.Equal(2, (await db.Customers.ToListWithShadowReadAsync()).Count));
            }

            Assert.Empty(recorder.Completed);
            Assert.Equal(199, metrics.Sum("migration.shadow_read.skipped"));
            Assert.InRange(metrics.SumTagged("migration.shadow_read.skipped", "migration.reason", "sampled_out"), 60, 140);
            Assert.Equal(199 - metrics.SumTagged("migration.shadow_read.skipped", "migration.reason", "sampled_out"), metrics.SumTagged("migration.shadow_read.skipped", "migration.reason", "saturated"));
        }

        Assert.Single(await recorder.WaitForAsync(1));
    }

    [Fact]
    public async Task A_sample_rate_of_zero_compares_nothing()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.ShadowRead, o => o.SampleRate = 0);
        await SeedCustomersAsync(host, 2);
        for (var i = 0; i < 20; i++)
        {
            await WithDbAsync(host, async db => await db.Customers.ToListWithShadowReadAsync());
        }

        // The decision is made on the caller's path: nothing was started, and every read was counted as sampled out.
        Assert.Equal(20, metrics.SumTagged("migration.shadow_read.skipped", "migration.reason", "sampled_out"));
        Assert.Empty(recorder.Completed);
    }

    [Fact]
    public async Task Entity_types_listed_for_every_read_are_compared_without_changing_the_query()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite, o => o.CompareEveryRead<Customer>());
        var ids = await SeedCustomersAsync(host, 5);
        await DivergeAsync(ids);
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);

        await WithDbAsync(host, async db => Assert.Equal(2, (await db.Customers.Where(c => c.Id == ids[0] || c.Id == ids[1]).ToListAsync()).Count));

        // The two entities may be compared in one batch or two.
        await Eventually.HoldsAsync(() => Task.FromResult(recorder.Completed.Any(c => c.Mismatches.Count > 0)), TimeSpan.FromSeconds(60), "the mismatch reported");
        var mismatch = Assert.Single(recorder.Completed.SelectMany(c => c.Mismatches));
        Assert.Equal((ids[1], ShadowMismatchKind.Different, "Name"), ((int)mismatch.KeyValues[0]!, mismatch.Kind, mismatch.Properties.Single()));
    }

    [Fact]
    public async Task Ignored_properties_make_a_difference_ignored_not_a_mismatch()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite, o => o.Ignore<Customer>("Name"));
        var ids = await SeedCustomersAsync(host, 2);
        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"UPDATE \"Customers\" SET \"Name\" = 'Tampered' WHERE \"Id\" = {ids[1]}");
        await host.SetPhaseAsync(MigrationPhase.ShadowRead);

        await WithDbAsync(host, async db => await db.Customers.ToListWithShadowReadAsync());

        Assert.Equal(ShadowReadOutcome.Ignored, Assert.Single(await recorder.WaitForAsync(1)).Outcome);
    }

    [Fact]
    public async Task In_cutover_reads_are_compared_against_the_old_store_only_when_asked()
    {
        var (host, recorder, metrics) = await StartAsync(MigrationPhase.DualWrite, o => o.CompareInCutover = true);
        var ids = await SeedCustomersAsync(host, 3);
        await Old.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"UPDATE \"Customers\" SET \"Email\" = 'old@tampered.test' WHERE \"Id\" = {ids[2]}");
        await host.SetPhaseAsync(MigrationPhase.Cutover);

        await WithDbAsync(host, async db => await db.Customers.ToListWithShadowReadAsync());

        var comparison = Assert.Single(await recorder.WaitForAsync(1));
        var mismatch = Assert.Single(comparison.Mismatches);
        Assert.Equal((ids[2], "Email"), ((int)mismatch.KeyValues[0]!, mismatch.Properties.Single()));
        Assert.Contains("the old store answers differently", Assert.Single(host.Logs.WithEventId(MigrationEventIds.ShadowReadMismatch)).Message, StringComparison.Ordinal);
    }

    /// <summary>Starts a host under a migration name of its own, so its metrics are this test's only.</summary>
    private async Task<(MigrationTestHost Host, ComparisonRecorder Recorder, MetricsCollector Metrics)> StartAsync(
        MigrationPhase phase, Action<ShadowReadOptions>? shadow = null, bool repositories = false)
    {
        var name = "shadow_" + Guid.NewGuid().ToString("N")[..8];
        var metrics = new MetricsCollector(name);
        _collectors.Add(metrics);
        var host = await StartShopAsync(
            phase,
            builder: b =>
            {
                b.ConfigureShadowReads(o => shadow?.Invoke(o));
                if (repositories)
                {
                    b.AddRepositories();
                }
            },
            migrationName: name);
        return (host, new ComparisonRecorder(host.Monitor), metrics);
    }

    private static async Task WithDbAsync(MigrationTestHost host, Func<ShopDb, Task> action)
    {
        await using var scope = host.CreateScope();
        await action(scope.ServiceProvider.GetRequiredService<ShopDb>());
    }

    private static async Task<List<int>> SeedCustomersAsync(MigrationTestHost host, int count)
    {
        var ids = new List<int>();
        await WithDbAsync(host, async db =>
        {
            for (var i = 0; i < count; i++)
            {
                var customer = NewCustomer("Customer" + i);
                db.Customers.Add(customer);
                await db.SaveChangesAsync();
                ids.Add(customer.Id);
            }
        });
        return ids;
    }

    /// <summary>Makes the new store differ: one name, one owned city, one missing row, one extra row (key 999).</summary>
    private async Task DivergeAsync(List<int> ids)
    {
        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"UPDATE \"Customers\" SET \"Name\" = 'Tampered' WHERE \"Id\" = {ids[1]}");
        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"UPDATE \"Customers\" SET \"Address_City\" = 'Atlantis' WHERE \"Id\" = {ids[2]}");
        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), $"DELETE FROM \"Customers\" WHERE \"Id\" = {ids[3]}");
        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), "INSERT INTO \"Customers\" (\"Id\", \"Name\", \"CreditLimit\") VALUES (999, 'Only in new', 0)");
    }
}

public sealed class SqliteToPostgres_ShadowReadTests() : ShadowReadTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_ShadowReadTests() : ShadowReadTests(StoreKind.Postgres);
