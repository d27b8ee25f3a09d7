using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MigrationMiddleware.Phases;
using MigrationMiddleware.SecondaryWrites;
using MigrationMiddleware.TestSupport;

namespace MigrationMiddleware.Benchmarks;

/// <summary>
/// SaveChanges throughput of concurrent writers, for change sets of 1 and 20 new customers, under each configuration:
/// plain EF Core, the middleware in OldOnly, and DualWrite in deferred and inline mode, with and without durable intents.
/// Configurations alternate within each repetition; each run starts from empty stores.
/// </summary>
public static class WriteOverhead
{
    private static readonly WriteConfiguration[] Configurations =
    [
        new("plain", null, SecondaryWriteMode.Inline, true),
        new("oldonly", MigrationPhase.OldOnly, SecondaryWriteMode.Inline, true),
        new("deferred", MigrationPhase.DualWrite, SecondaryWriteMode.Deferred, true),
        new("deferred_without_intents", MigrationPhase.DualWrite, SecondaryWriteMode.Deferred, false),
        new("inline", MigrationPhase.DualWrite, SecondaryWriteMode.Inline, true),
        new("inline_without_intents", MigrationPhase.DualWrite, SecondaryWriteMode.Inline, false),
    ];

    /// <summary>Runs one configuration for a long window, for a profiler to sample (<c>--profile inline</c>, for example).</summary>
    public static async Task ProfileAsync(BenchmarkStores stores, string configurationName, TimeSpan window, TextWriter log)
    {
        var configuration = Configurations.Single(c => c.Name == configurationName);
        await stores.ResetAsync();
        var host = await BenchmarkHost.StartAsync(stores, configuration.Phase, o =>
        {
            o.WriteMode = configuration.Mode;
            o.DurableIntents = configuration.Intents;
        });
        var settings = BenchmarkSettings.Full with { Measure = window };
        log.WriteLine($"profile {configurationName}, warm-up: {await MeasureAsync(host, settings, 1):0.0} saves/s");
        log.WriteLine("measuring");
        log.WriteLine($"profile {configurationName}: {await MeasureAsync(host, settings, 1):0.0} saves/s");
        await BenchmarkHost.StopAsync(host);
    }

    internal static async Task<List<ScenarioResult>> RunAsync(BenchmarkStores stores, BenchmarkSettings settings, TextWriter log)
    {
        var results = new List<ScenarioResult>();
        foreach (var batch in new[] { 1, 20 })
        {
            var runs = Configurations.ToDictionary(c => c.Name, _ => new List<double>());
            var backlog = new List<double>();
            var drain = new List<double>();
            // Before the first batch size, one unrecorded pass over every configuration: on two cores the JIT's tier-up of EF Core,
            // Npgsql and the middleware takes tens of seconds of background compilation, which would otherwise land in the
            // first repetitions.
            for (var repetition = batch == 1 ? -1 : 0; repetition < settings.Repetitions; repetition++)
            {
                // Rotate the order, so no configuration always runs first or last.
                var rotation = Math.Max(repetition, 0) % Configurations.Length;
                foreach (var configuration in Configurations.Skip(rotation).Concat(Configurations.Take(rotation)))
                {
                    await stores.ResetAsync();
                    var host = await BenchmarkHost.StartAsync(stores, configuration.Phase, o =>
                    {
                        o.WriteMode = configuration.Mode;
                        o.DurableIntents = configuration.Intents;
                    });
                    var savesPerSecond = await MeasureAsync(host, settings, batch);
                    if (repetition < 0)
                    {
                        await BenchmarkHost.StopAsync(host);
                        log.WriteLine($"  write batch={batch} {configuration.Name,-26} {savesPerSecond,8:0.0} saves/s (warm-up, not counted)");
                        continue;
                    }

                    runs[configuration.Name].Add(savesPerSecond);
                    if (configuration.Name == "deferred")
                    {
                        var monitor = host.Services.GetRequiredService<IMigrationMonitor>();
                        var registry = host.Services.GetRequiredService<MigrationRegistry>();
                        backlog.Add(registry.Get(BenchmarkHost.Migration).Queue!.Count);
                        var started = Stopwatch.GetTimestamp();
                        await monitor.DrainSecondaryWritesAsync(BenchmarkHost.Migration, TimeSpan.FromMinutes(5));
                        drain.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    }

                    await BenchmarkHost.StopAsync(host);
                    log.WriteLine($"  write batch={batch} {configuration.Name,-26} {savesPerSecond,8:0.0} saves/s");
                }
            }

            var medians = runs.ToDictionary(r => r.Key, r => Statistics.Median(r.Value));
            ScenarioResult Ratio(string name, string candidate, string baseline, string goal, double? atLeast, string description, Dictionary<string, object>? extra = null)
            {
                var ratio = medians[candidate] / medians[baseline];
                var figures = new Dictionary<string, object>
                {
                    ["batch_size"] = batch,
                    ["writers"] = settings.Writers,
                    [$"{candidate}_saves_per_s_median"] = Statistics.Round(medians[candidate], 1),
                    [$"{baseline}_saves_per_s_median"] = Statistics.Round(medians[baseline], 1),
                    [$"{candidate}_saves_per_s_runs"] = runs[candidate].Select(v => Statistics.Round(v, 1)).ToArray(),
                    [$"{baseline}_saves_per_s_runs"] = runs[baseline].Select(v => Statistics.Round(v, 1)).ToArray(),
                };
                foreach (var (key, value) in extra ?? [])
                {
                    figures[key] = value;
                }

                return new ScenarioResult($"write.{name}.batch{batch}", description, Statistics.Round(ratio), goal, atLeast is { } floor ? ratio >= floor : null, figures);
            }

            results.Add(Ratio("oldonly_vs_plain", "oldonly", "plain", ">= 0.98", 0.98, "Middleware installed in OldOnly, against plain EF Core"));
            results.Add(Ratio("deferred_vs_oldonly", "deferred", "oldonly", ">= 0.90", 0.90, "DualWrite, deferred mode, durable intents (default), against OldOnly", new()
            {
                ["deferred_backlog_at_end_of_window_median"] = Statistics.Median(backlog),
                ["deferred_drain_after_window_s_median"] = Statistics.Round(Statistics.Median(drain), 2),
            }));
            results.Add(Ratio("deferred_without_intents_vs_oldonly", "deferred_without_intents", "oldonly", "report", null, "DualWrite, deferred mode, without durable intents, against OldOnly"));
            results.Add(Ratio("inline_vs_oldonly", "inline", "oldonly", ">= 0.45", 0.45, "DualWrite, inline mode, durable intents (default), against OldOnly"));
            results.Add(Ratio("inline_without_intents_vs_oldonly", "inline_without_intents", "oldonly", "report", null, "DualWrite, inline mode, without durable intents, against OldOnly"));
        }

        return results;
    }

    /// <summary>Runs the writers through a warm-up, then counts the saves completed within the measuring window.</summary>
    private static async Task<double> MeasureAsync(IHost host, BenchmarkSettings settings, int batch)
    {
        long saves = 0;
        var measuring = 0;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, settings.Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await using var scope = host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
                for (var n = 0; n < batch; n++)
                {
                    db.Customers.Add(ShopWorkload.NewCustomer($"w{writer}i{i}n{n}"));
                }

                await db.SaveChangesAsync();
                if (Volatile.Read(ref measuring) == 1)
                {
                    Interlocked.Increment(ref saves);
                }
            }
        })).ToList();

        await Task.Delay(settings.Warmup);
        Volatile.Write(ref measuring, 1);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(settings.Measure);
        Volatile.Write(ref measuring, 0);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        return Interlocked.Read(ref saves) / elapsed;
    }

    private sealed record WriteConfiguration(string Name, MigrationPhase? Phase, SecondaryWriteMode Mode, bool Intents);
}
