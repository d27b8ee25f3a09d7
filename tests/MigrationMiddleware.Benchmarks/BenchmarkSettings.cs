namespace MigrationMiddleware.Benchmarks;

/// <summary>How long and how often each comparison runs. Quick mode only proves the harness works; its numbers mean nothing.</summary>
public sealed record BenchmarkSettings(
    int Repetitions,
    TimeSpan Warmup,
    TimeSpan Measure,
    int Writers,
    int ReadsPerRun,
    int Repairs)
{
    public static BenchmarkSettings Full { get; } = new(
        Repetitions: 5, Warmup: TimeSpan.FromSeconds(2), Measure: TimeSpan.FromSeconds(6), Writers: 8, ReadsPerRun: 2_000, Repairs: 10_000);

    public static BenchmarkSettings Quick { get; } = new(
        Repetitions: 1, Warmup: TimeSpan.FromMilliseconds(200), Measure: TimeSpan.FromMilliseconds(500), Writers: 2, ReadsPerRun: 40, Repairs: 50);

    public bool IsQuick => this == Quick;
}
