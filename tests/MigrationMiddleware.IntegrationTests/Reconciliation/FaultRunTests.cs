using System.Diagnostics;
using MigrationMiddleware.TestSupport.Servers;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.Phases;
using Xunit;
using Xunit.Abstractions;

namespace MigrationMiddleware.IntegrationTests.Reconciliation;

/// <summary>
/// Real faults under load, with reconciliation over the real RabbitMQ broker: the secondary refusing connections, the broker
/// stopped, and the writing process killed. Each run reports its figures (artifacts/fault-runs/*.md).
/// </summary>
public sealed class FaultRunTests(ITestOutputHelper output) : BrokerStoresTest
{
    [Fact]
    public async Task A_secondary_outage_during_5000_operations_from_8_writers_loses_nothing()
    {
        var migration = "outage_" + Guid.NewGuid().ToString("N")[..8];
        using var metrics = new MetricsCollector(migration);
        var host = await StartWithBrokerAsync(MigrationPhase.DualWrite, consume: true, migrationName: migration);
        const int Writers = 8, OperationsPerWriter = 650;
        var outage = Stopwatch.StartNew();
        var outageDuration = TimeSpan.Zero;
        var callerErrors = await Repairs.RunIsolatedWritersAsync(host, Writers, OperationsPerWriter, total =>
        {
            switch (total)
            {
                case 1000:
                    New.Proxy!.Refuse();
                    outage.Restart();
                    break;
                case 3000:
                    New.Proxy!.Start();
                    outageDuration = outage.Elapsed;
                    break;
            }
        });

        var drain = await DrainAsync(TimeSpan.FromMinutes(5));
        var divergent = await DivergentRowsAsync();
        Report(output, "secondary-outage", [
            ("operations", Writers * OperationsPerWriter),
            ("writers", Writers),
            ("faults injected", $"new store refused connections from operation 1000 to 3000 ({outageDuration.TotalSeconds:0.0} s)"),
            ("caller errors", callerErrors),
            ("secondary writes handed to reconciliation", metrics.Sum("migration.secondary_write.failures")),
            ("intents relayed", metrics.Sum("migration.intents.relayed")),
            ("repairs applied", metrics.Sum("migration.repairs.applied")),
            ("rows compared", (await SnapshotAsync(Old)).Count),
            ("divergent rows after the drain", divergent),
            ("drain time after the last write", $"{drain.TotalSeconds:0.0} s"),
        ]);

        Assert.Equal(0, callerErrors);
        Assert.True(metrics.Sum("migration.secondary_write.failures") > 0, "The outage should have failed some secondary writes.");
        Assert.Equal(0, divergent);
        await AssertStoresEqualAsync();
    }

    [Fact]
    public async Task A_writer_process_killed_three_times_loses_nothing_once_its_intents_are_relayed()
    {
        var host = await StartWithBrokerAsync(MigrationPhase.DualWrite, consume: true);
        var completed = new List<int>();
        for (var kill = 1; kill <= 3; kill++)
        {
            using var writer = StartWriter(seed: kill, operations: 0);
            completed.Add(await ReadProgressAsync(writer, atLeast: 200));
            writer.Process.Kill(entireProcessTree: true);
            await writer.Process.WaitForExitAsync();
        }

        var leftBehind = await Old.CountRowsAsync("mm_write_intents");
        using (var restarted = StartWriter(seed: 4, operations: 50))
        {
            await restarted.Process.WaitForExitAsync();
            completed.Add(await ReadProgressAsync(restarted, atLeast: int.MaxValue));
            Assert.Equal(0, restarted.Process.ExitCode);
        }

        var drain = await DrainAsync(TimeSpan.FromMinutes(3));
        var divergent = await DivergentRowsAsync();
        Report(output, "process-kills", [
            ("operations before each SIGKILL", string.Join(", ", completed.Take(3))),
            ("operations after the restart", completed[^1]),
            ("faults injected", "3 × SIGKILL of the writing process mid-load"),
            ("intents left behind by the killed processes", leftBehind),
            ("rows compared", (await SnapshotAsync(Old)).Count),
            ("divergent rows after the drain", divergent),
            ("drain time after the restart", $"{drain.TotalSeconds:0.0} s"),
        ]);

        Assert.Equal(0, divergent);
        await AssertStoresEqualAsync();
    }

    private ChildProcess StartWriter(int seed, int operations) =>
        ChildProcess.Start("MigrationMiddleware.LoadWriter", new Dictionary<string, string>
        {
            ["MM_OLD"] = Old.DirectConnectionString,
            ["MM_NEW"] = New.DirectConnectionString,
            ["MM_RABBITMQ_HOST"] = TestEnvironment.RabbitMqHost,
            ["MM_PREFIX"] = Broker.Prefix,
            ["MM_QUEUE"] = Broker.QueueName,
            ["MM_WRITERS"] = "4",
            ["MM_OPERATIONS"] = operations.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MM_SEED"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    /// <summary>Waits until the writer reports at least <paramref name="atLeast"/> operations, or reports it is done; returns its count.</summary>
    private static async Task<int> ReadProgressAsync(ChildProcess writer, int atLeast)
    {
        int Reported() => writer.Lines.Select(l => l.Split(' ')).Where(p => p.Length >= 2 && p[0] is "progress" or "done")
            .Select(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
        await Eventually.HoldsAsync(
            () => Task.FromResult(Reported() >= atLeast || writer.Count("done ") > 0 || writer.Process.HasExited),
            TimeSpan.FromMinutes(3),
            $"the writer reported {atLeast} operations or finished");
        return Reported();
    }
}

/// <summary>Stopping the broker affects every test that uses it, so this one runs alone.</summary>
[CollectionDefinition(nameof(BrokerOutageCollection), DisableParallelization = true)]
public sealed class BrokerOutageCollection;

[Collection(nameof(BrokerOutageCollection))]
public sealed class BrokerOutageTests(ITestOutputHelper output) : BrokerStoresTest
{
    [Fact]
    public async Task The_broker_stopped_during_a_secondary_outage_then_both_back_loses_nothing()
    {
        var host = await StartWithBrokerAsync(MigrationPhase.DualWrite, consume: true);
        var outage = Stopwatch.StartNew();
        int callerErrors;
        New.Proxy!.Refuse();
        await RabbitMqControl.StopAppAsync();
        try
        {
            callerErrors = await Repairs.RunIsolatedWritersAsync(host, writers: 4, operationsPerWriter: 75);
        }
        finally
        {
            await RabbitMqControl.StartAppAsync();
            New.Proxy.Start();
        }

        var outageDuration = outage.Elapsed;
        var pending = await Old.CountRowsAsync("mm_write_intents");
        var drain = await DrainAsync(TimeSpan.FromMinutes(5));
        var divergent = await DivergentRowsAsync();
        Report(output, "broker-and-secondary-outage", [
            ("operations", 300),
            ("faults injected", $"rabbitmqctl stop_app and new store refusing connections, together ({outageDuration.TotalSeconds:0.0} s)"),
            ("caller errors", callerErrors),
            ("intents pending when both came back", pending),
            ("rows compared", (await SnapshotAsync(Old)).Count),
            ("divergent rows after the drain", divergent),
            ("drain time after recovery", $"{drain.TotalSeconds:0.0} s"),
        ]);

        Assert.Equal(0, callerErrors);
        Assert.True(pending > 0, "The outage should have left intents to relay.");
        Assert.Equal(0, divergent);
        await AssertStoresEqualAsync();
    }
}
