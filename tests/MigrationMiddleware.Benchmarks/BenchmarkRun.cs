using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MigrationMiddleware.Benchmarks;

/// <summary>Runs every scenario against real PostgreSQL and RabbitMQ, prints a markdown table, and writes the results as JSON.</summary>
public static class BenchmarkRun
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkSettings settings, string outputPath, TextWriter log, string? only = null)
    {
        var results = new List<ScenarioResult>();
        await using var stores = await BenchmarkStores.CreateAsync();
        if (only is null or "write")
        {
            log.WriteLine("write overhead");
            results.AddRange(await WriteOverhead.RunAsync(stores, settings, log));
        }

        if (only is null or "shadow")
        {
            log.WriteLine("shadow-read overhead");
            results.AddRange(await ShadowReadLatency.RunAsync(stores, settings, log));
        }

        if (only is null or "reconciliation")
        {
            log.WriteLine("reconciliation drain");
            results.AddRange(await ReconciliationDrain.RunAsync(stores, settings, log));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        await File.WriteAllTextAsync(outputPath, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        log.WriteLine();
        log.WriteLine(Table(results, settings));
        return results;
    }

    public static string Table(IReadOnlyList<ScenarioResult> results, BenchmarkSettings settings)
    {
        var table = new StringBuilder()
            .AppendLine(settings.IsQuick ? "Quick mode: sizes too small for the numbers to mean anything." : $"{settings.Repetitions} repetitions per configuration, median reported.")
            .AppendLine()
            .AppendLine("| Scenario | What is compared | Goal | Measured ratio | Met |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var result in results)
        {
            var met = result.GoalMet switch { true => "yes", false => "no", null => "-" };
            table.AppendLine(CultureInfo.InvariantCulture, $"| {result.Name} | {result.Description} | {result.Goal} | {result.MeasuredRatio:0.000} | {met} |");
        }

        return table.ToString();
    }
}
