using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using Xunit.Sdk;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>A real generic host with the middleware, its phase flag in reloadable configuration, and logs and commands recorded.</summary>
public sealed class MigrationTestHost : IAsyncDisposable
{
    private MigrationTestHost(IHost host, IConfigurationRoot configuration, CommandLog commands, TestLogs logs, string migration)
    {
        Host = host;
        Configuration = configuration;
        Commands = commands;
        Logs = logs;
        MigrationName = migration;
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public IConfigurationRoot Configuration { get; }

    public CommandLog Commands { get; }

    public TestLogs Logs { get; }

    public string MigrationName { get; }

    public IMigrationMonitor Monitor => Services.GetRequiredService<IMigrationMonitor>();

    public InProcessReconciliationSink Sink => Services.GetRequiredService<InProcessReconciliationSink>();

    public static async Task<MigrationTestHost> StartAsync(
        MigrationPhase phase,
        Action<IServiceCollection, CommandLog> register,
        string migration = "shop",
        Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(PhaseFlags.For(migration, phase));
        configure?.Invoke(builder.Configuration);
        var commands = new CommandLog();
        var logs = new TestLogs();
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        register(builder.Services, commands);
        var host = builder.Build();
        await host.StartAsync();
        return new MigrationTestHost(host, builder.Configuration, commands, logs, migration);
    }

    public AsyncServiceScope CreateScope() => Services.CreateAsyncScope();

    /// <summary>Changes the flag in configuration, reloads it, and waits for the monitor to apply the phase.</summary>
    public async Task SetPhaseAsync(MigrationPhase phase)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, MigrationPhaseChangedEventArgs e)
        {
            if (e.MigrationName == MigrationName && e.Phase == phase)
            {
                changed.TrySetResult();
            }
        }

        Monitor.PhaseChanged += OnChanged;
        try
        {
            Configuration[PhaseFlags.VariantKey()] = phase.ToString();
            Configuration.Reload();
            if (Monitor.GetPhase(MigrationName) != phase)
            {
                await changed.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        catch (TimeoutException)
        {
            throw new XunitException($"The phase did not become {phase}; it is {Monitor.GetPhase(MigrationName)}. Last refusal: {Monitor.GetLastRefusal(MigrationName)}");
        }
        finally
        {
            Monitor.PhaseChanged -= OnChanged;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        if (Host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }
    }
}
