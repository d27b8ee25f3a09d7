// The benchmark harness. Start PostgreSQL and RabbitMQ first (./bench.sh does), then:
//   dotnet run -c Release --project tests/MigrationMiddleware.Benchmarks [-- --quick] [--only write|shadow|reconciliation] [--output path]
using MigrationMiddleware.Benchmarks;

if (Argument("--profile") is { } profiled)
{
    // One write configuration for a long window, to attach a profiler: dotnet-trace collect -- dotnet <this dll> --profile inline
    await using var stores = await BenchmarkStores.CreateAsync();
    if (profiled == "reconciliation")
    {
        await ReconciliationDrain.ProfileAsync(stores, 30_000, Console.Out);
    }
    else
    {
        await WriteOverhead.ProfileAsync(stores, profiled, TimeSpan.FromSeconds(20), Console.Out);
    }

    return;
}

var quick = args.Contains("--quick");
var only = Argument("--only");
var output = Argument("--output") ?? Path.Combine("artifacts", "bench", "results.json");
await BenchmarkRun.RunAsync(quick ? BenchmarkSettings.Quick : BenchmarkSettings.Full, output, Console.Out, only);
Console.WriteLine($"Results written to {Path.GetFullPath(output)}");

string? Argument(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
