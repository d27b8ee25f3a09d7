using System.Text.Json;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Benchmarks;

/// <summary>
/// Keeps the benchmark harness from rotting: its quick mode runs every scenario end to end against the real servers, as
/// <c>./bench.sh --quick</c> would. Only the shape of the results is checked; the numbers of a quick run mean nothing, and no
/// performance goal is asserted here.
/// </summary>
public sealed class BenchmarkHarnessTests : IDisposable
{
    private static readonly string[] Scenarios =
    [
        .. new[] { 1, 20 }.SelectMany(batch => new[]
        {
            "oldonly_vs_plain", "deferred_vs_oldonly", "deferred_without_intents_vs_oldonly", "inline_vs_oldonly", "inline_without_intents_vs_oldonly",
        }.Select(name => $"write.{name}.batch{batch}")),
        "shadow_read.p50_vs_oldonly.paced",
        "shadow_read.p99_vs_oldonly.paced",
        "shadow_read.p50_vs_oldonly.one_caller",
        "shadow_read.p99_vs_oldonly.one_caller",
        "shadow_read.p50_vs_oldonly.saturated",
        "shadow_read.p99_vs_oldonly.saturated",
        "reconciliation.drain_vs_noop",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("mm-bench-").FullName;

    [Fact]
    public async Task Quick_mode_runs_every_scenario_and_writes_the_results()
    {
        var output = Path.Combine(_folder, "results.json");
        using var bench = ChildProcess.Start("MigrationMiddleware.Benchmarks", new Dictionary<string, string>(), captureOutput: true, "--quick", "--output", output);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
        {
            await bench.Process.WaitForExitAsync(timeout.Token);
        }

        var printed = string.Join(Environment.NewLine, bench.Lines);
        Assert.True(bench.Process.ExitCode == 0, $"The harness exited with {bench.Process.ExitCode}:{Environment.NewLine}{printed}");

        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var entries = results.RootElement.EnumerateArray().ToList();
        Assert.Equal(Scenarios.Order(StringComparer.Ordinal), entries.Select(e => e.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        foreach (var entry in entries)
        {
            var name = entry.GetProperty("name").GetString();
            var ratio = entry.GetProperty("measured_ratio").GetDouble();
            Assert.True(double.IsFinite(ratio) && ratio > 0, $"{name}: measured_ratio {ratio} is not a positive number.");
            Assert.NotEmpty(entry.GetProperty("figures").EnumerateObject());
            Assert.Contains($"| {name} |", printed, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
