using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MigrationMiddleware.Phases;
using MigrationMiddleware.ShadowReads;
using MigrationMiddleware.TestSupport;

namespace MigrationMiddleware.Benchmarks;

/// <summary>
/// The latency a caller sees for a ten-row query, in ShadowRead (every read compared, in the background) against OldOnly
/// (the same code, nothing compared). Phases alternate within one host; comparisons left running are awaited between runs.
/// Measured three ways: one caller paced at one read every 5 ms (a service with CPU to spare, as services run in production), one
/// caller reading back to back (its reads and the comparisons between them keep both cores of the benchmark machine busy), and
/// four callers back to back (saturated: every comparison takes CPU from a caller).
/// </summary>
internal static class ShadowReadLatency
{
    private const int Rows = 2_000;

    public static async Task<List<ScenarioResult>> RunAsync(BenchmarkStores stores, BenchmarkSettings settings, TextWriter log)
    {
        var results = new List<ScenarioResult>();
        foreach (var (readers, suffix, pace) in new (int, string, TimeSpan?)[] { (1, "paced", TimeSpan.FromMilliseconds(5)), (1, "one_caller", null), (4, "saturated", null) })
        {
            results.AddRange(await RunAsync(stores, settings, readers, suffix, pace, goal: readers == 1, log));
        }

        return results;
    }

    private static async Task<List<ScenarioResult>> RunAsync(BenchmarkStores stores, BenchmarkSettings settings, int readers, string suffix, TimeSpan? pace, bool goal, TextWriter log)
    {
        await stores.ResetAsync();
        var host = await BenchmarkHost.StartAsync(stores, MigrationPhase.DualWrite);
        try
        {
            await SeedAsync(host);
            var comparer = host.Services.GetRequiredService<MigrationRegistry>().Get(BenchmarkHost.Migration).ShadowReads;
            var compared = 0;
            host.Services.GetRequiredService<IMigrationMonitor>().ShadowComparisonCompleted += (_, _) => Interlocked.Increment(ref compared);

            // Warm-up: one unrecorded round in each phase.
            foreach (var phase in new[] { MigrationPhase.OldOnly, MigrationPhase.ShadowRead })
            {
                await BenchmarkHost.SetPhaseAsync(host, phase);
                await ReadAsync(host, settings, readers, pace);
            }

            await WhenComparisonsDoneAsync(comparer);
            compared = 0;
            var p50 = new Dictionary<MigrationPhase, List<double>> { [MigrationPhase.OldOnly] = [], [MigrationPhase.ShadowRead] = [] };
            var p99 = new Dictionary<MigrationPhase, List<double>> { [MigrationPhase.OldOnly] = [], [MigrationPhase.ShadowRead] = [] };
            for (var repetition = 0; repetition < settings.Repetitions; repetition++)
            {
                var order = repetition % 2 == 0 ? new[] { MigrationPhase.OldOnly, MigrationPhase.ShadowRead } : [MigrationPhase.ShadowRead, MigrationPhase.OldOnly];
                foreach (var phase in order)
                {
                    await BenchmarkHost.SetPhaseAsync(host, phase);
                    var latencies = await ReadAsync(host, settings, readers, pace);
                    p50[phase].Add(Statistics.Percentile(latencies, 50));
                    p99[phase].Add(Statistics.Percentile(latencies, 99));
                    await WhenComparisonsDoneAsync(comparer);

                    log.WriteLine($"  shadow-read {suffix,-10} {phase,-10} p50 {p50[phase][^1]:0.000} ms  p99 {p99[phase][^1]:0.000} ms");
                }
            }

            var figures = new Dictionary<string, object>
            {
                ["callers"] = readers,
                ["read_interval_ms"] = pace is { } interval ? interval.TotalMilliseconds : 0,
                ["reads_per_run"] = settings.ReadsPerRun,
                ["rows_per_read"] = 10,
                ["oldonly_p50_ms_median"] = Statistics.Round(Statistics.Median(p50[MigrationPhase.OldOnly])),
                ["shadowread_p50_ms_median"] = Statistics.Round(Statistics.Median(p50[MigrationPhase.ShadowRead])),
                ["oldonly_p99_ms_median"] = Statistics.Round(Statistics.Median(p99[MigrationPhase.OldOnly])),
                ["shadowread_p99_ms_median"] = Statistics.Round(Statistics.Median(p99[MigrationPhase.ShadowRead])),
                ["comparisons_completed"] = compared,
                ["shadowread_reads"] = settings.ReadsPerRun * settings.Repetitions,
            };
            var p50Ratio = Statistics.Median(p50[MigrationPhase.ShadowRead]) / Statistics.Median(p50[MigrationPhase.OldOnly]);
            var p99Ratio = Statistics.Median(p99[MigrationPhase.ShadowRead]) / Statistics.Median(p99[MigrationPhase.OldOnly]);
            return
            [
                new($"shadow_read.p50_vs_oldonly.{suffix}", $"Caller read latency, p50, ShadowRead (sample rate 1) against OldOnly, {Load(readers, pace)}", Statistics.Round(p50Ratio), goal ? "<= 1.05" : "report", goal ? p50Ratio <= 1.05 : null, figures),
                new($"shadow_read.p99_vs_oldonly.{suffix}", $"Caller read latency, p99, ShadowRead (sample rate 1) against OldOnly, {Load(readers, pace)}", Statistics.Round(p99Ratio), "report", null, figures),
            ];
        }
        finally
        {
            await BenchmarkHost.StopAsync(host);
        }
    }

    private static string Load(int readers, TimeSpan? pace) =>
        pace is { } interval ? $"{readers} caller, one read every {interval.TotalMilliseconds:0} ms" : $"{readers} caller(s) back to back";

    /// <summary>Waits until the background comparisons started by the last round have finished, so they do not slow the next round.</summary>
    private static async Task WhenComparisonsDoneAsync(ShadowReadComparer comparer)
    {
        while (comparer.InFlight > 0)
        {
            await Task.Delay(10);
        }
    }

    private static async Task SeedAsync(IHost host)
    {
        for (var offset = 0; offset < Rows; offset += 200)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Customers.AddRange(Enumerable.Range(offset, 200).Select(i => ShopWorkload.NewCustomer("Reader" + i)));
            await db.SaveChangesAsync();
        }
    }

    /// <summary>
    /// Runs the reads and returns each one's latency. A paced caller starts its reads on a fixed schedule; the latency is
    /// measured from the read's start, and the schedule only keeps the machine from being saturated.
    /// </summary>
    private static async Task<List<double>> ReadAsync(IHost host, BenchmarkSettings settings, int readers, TimeSpan? pace)
    {
        var latencies = new List<double>(settings.ReadsPerRun);
        var perReader = settings.ReadsPerRun / readers;
        await Task.WhenAll(Enumerable.Range(0, readers).Select(reader => Task.Run(async () =>
        {
            var random = new Random(reader);
            var mine = new List<double>(perReader);
            var schedule = Stopwatch.GetTimestamp();
            for (var i = 0; i < perReader; i++)
            {
                if (pace is { } interval)
                {
                    schedule += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), schedule);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }
                }

                var from = random.Next(Rows - 10);
                var started = Stopwatch.GetTimestamp();
                await using (var scope = host.Services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
                    await db.Customers.AsNoTracking().Where(c => c.Id > from && c.Id <= from + 10).ToListWithShadowReadAsync();
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })));
        return latencies;
    }
}
