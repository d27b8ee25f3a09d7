using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MigrationMiddleware.Phases;
using MigrationMiddleware.TestSupport;

namespace MigrationMiddleware.Benchmarks;

/// <summary>A service as an application would run it: a generic host, the shop context on the old store, and (unless plain) the middleware.</summary>
internal static class BenchmarkHost
{
    public const string Migration = "bench";

    /// <summary>Starts a host; <paramref name="phase"/> <see langword="null"/> means plain EF Core without the middleware.</summary>
    public static async Task<IHost> StartAsync(
        BenchmarkStores stores,
        MigrationPhase? phase,
        Action<DualWriteOptions>? options = null,
        Action<IDualWriteBuilder>? migration = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(Flag(phase ?? MigrationPhase.OldOnly));
        builder.Services.AddDbContext<ShopDb>(o => o.UseNpgsql(stores.Old));
        if (phase is not null)
        {
            var registration = builder.Services.AddDualWrite<ShopDb>(Migration, (_, o) => o.UseNpgsql(stores.New), o =>
            {
                o.DeferredQueueCapacity = 1_000_000;
                options?.Invoke(o);
            });
            migration?.Invoke(registration);
        }

        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Switches the host's phase through a configuration reload, and waits until it is in effect.</summary>
    public static async Task SetPhaseAsync(IHost host, MigrationPhase phase)
    {
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        foreach (var (key, value) in Flag(phase))
        {
            configuration[key] = value;
        }

        configuration.Reload();
        var monitor = host.Services.GetRequiredService<IMigrationMonitor>();
        if (await monitor.RefreshAsync(Migration) != phase)
        {
            throw new InvalidOperationException($"The phase did not become {phase}: {monitor.GetLastRefusal(Migration)}");
        }
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
    }

    private static Dictionary<string, string?> Flag(MigrationPhase phase) => new()
    {
        ["feature_management:feature_flags:0:id"] = "MigrationPhase." + Migration,
        ["feature_management:feature_flags:0:enabled"] = "true",
        ["feature_management:feature_flags:0:variants:0:name"] = phase.ToString(),
        ["feature_management:feature_flags:0:allocation:default_when_enabled"] = phase.ToString(),
    };
}
