using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.TestSupport.Servers;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>PostgreSQL to PostgreSQL (the new store behind a proxy) with reconciliation over the real RabbitMQ broker.</summary>
public abstract class BrokerStoresTest() : ShopStoresTest(StoreKind.Postgres, newThroughProxy: true)
{
    protected BrokerTopology Broker { get; } = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Broker.DisposeAsync();
    }

    /// <summary>Starts a service (and, with <paramref name="consume"/>, a repair consumer) on the test's broker topology.</summary>
    protected async Task<MigrationTestHost> StartWithBrokerAsync(
        MigrationPhase phase,
        bool consume,
        Action<DualWriteOptions>? options = null,
        Action<MassTransitReconciliationOptions>? reconciliation = null,
        string migrationName = "shop")
    {
        var host = await StartShopAsync(
            phase,
            options: o =>
            {
                Repairs.QuickRelay(o);
                options?.Invoke(o);
            },
            builder: b => b.AddMassTransitReconciliation(o =>
            {
                Broker.Options(o);
                reconciliation?.Invoke(o);
            }),
            services: s =>
            {
                s.AddMassTransit(x => Broker.Configure(x, consume));
                s.Configure<MassTransitHostOptions>(o =>
                {
                    o.WaitUntilStarted = true;
                    o.StartTimeout = TimeSpan.FromSeconds(60);
                    o.StopTimeout = TimeSpan.FromSeconds(30);
                });
                s.AddSingleton(sp => ConsumeCounter.Attach(sp.GetRequiredService<IBus>()));
            },
            migrationName);
        host.Services.GetRequiredService<ConsumeCounter>();
        return host;
    }

    /// <summary>Counts the rows that differ between the two stores (present in one only, or different).</summary>
    protected async Task<int> DivergentRowsAsync()
    {
        var old = await SnapshotAsync(Old);
        var @new = await SnapshotAsync(New);
        return old.Except(@new).Count() + @new.Except(old).Count();
    }

    /// <summary>Records a fault run's figures in the test output and in artifacts/fault-runs.</summary>
    protected static void Report(Xunit.Abstractions.ITestOutputHelper output, string name, IEnumerable<(string Figure, object Value)> figures)
    {
        var lines = figures.Select(f => $"| {f.Figure} | {f.Value} |").Prepend("|---|---|").Prepend($"| {name} | |").ToList();
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        var folder = Path.Combine(RepositoryRoot(), "artifacts", "fault-runs");
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, name + ".md"), lines);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MigrationMiddleware.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? AppContext.BaseDirectory;
    }

    /// <summary>Waits until neither store holds a write intent: every change reached the other store or was repaired.</summary>
    protected Task<TimeSpan> DrainAsync(TimeSpan timeout) =>
        Eventually.HoldsAsync(
            async () => await Old.CountRowsAsync("mm_write_intents") + await New.CountRowsAsync("mm_write_intents") == 0,
            timeout,
            "no write intent left in either store");
}
