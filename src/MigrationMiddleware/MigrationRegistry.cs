using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.ShadowReads;

namespace MigrationMiddleware;

/// <summary>The migrations of one service provider, and the monitor that follows their phases.</summary>
internal sealed class MigrationRegistry : IMigrationMonitor, IAsyncDisposable
{
    private readonly Dictionary<string, MigrationRuntime> _runtimes = new(StringComparer.Ordinal);
    private int _disposed;

    public MigrationRegistry(IEnumerable<MigrationDefinition> definitions, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<DualWriteOptions>>();
        var shadowReadOptions = services.GetRequiredService<IOptionsMonitor<ShadowReadOptions>>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var sink = services.GetRequiredService<IReconciliationSink>();
        Monitor = new PhaseMonitor(services.GetRequiredService<IVariantFeatureManager>(), services.GetService<IConfiguration>(), loggers);
        foreach (var definition in definitions)
        {
            var migrationOptions = options.Get(definition.Name);
            MigrationRuntime? runtime = null;
            var state = new MigrationPhaseState(migrationOptions.DefaultPhase, () =>
            {
                // No host started the migrations: read the flag now, and prepare the intent tables in the background.
                Monitor.EnsureRead(runtime!);
                _ = Task.Run(() => runtime!.Intents.StartAsync(CancellationToken.None));
            });
            runtime = new MigrationRuntime(definition, migrationOptions, shadowReadOptions.Get(definition.Name), scopes, sink, loggers, state);
            runtime.ShadowReads.Completed += (_, e) => ShadowComparisonCompleted?.Invoke(this, e);
            _runtimes.Add(definition.Name, runtime);
            Monitor.Track(runtime);
        }
    }

    public event EventHandler<MigrationPhaseChangedEventArgs>? PhaseChanged
    {
        add => Monitor.PhaseChanged += value;
        remove => Monitor.PhaseChanged -= value;
    }

    public event EventHandler<ShadowComparisonEventArgs>? ShadowComparisonCompleted;

    public PhaseMonitor Monitor { get; }

    public IReadOnlyCollection<string> Migrations => _runtimes.Keys;

    public IReadOnlyCollection<MigrationRuntime> All => _runtimes.Values;

    public MigrationRuntime Get(string migrationName) =>
        _runtimes.TryGetValue(migrationName, out var runtime)
            ? runtime
            : throw new ArgumentException($"No migration named '{migrationName}' is registered. Registered: {string.Join(", ", _runtimes.Keys)}.", nameof(migrationName));

    public MigrationPhase GetPhase(string migrationName) => Get(migrationName).CurrentPhase.Phase;

    public async ValueTask<MigrationPhase> RefreshAsync(string migrationName, CancellationToken cancellationToken = default) =>
        await Monitor.RefreshAsync(Get(migrationName), cancellationToken).ConfigureAwait(false);

    public Task<bool> DrainSecondaryWritesAsync(string migrationName, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Get(migrationName).Queue?.WaitForDrainAsync(timeout, cancellationToken) ?? Task.FromResult(true);

    public string? GetLastRefusal(string migrationName) => Get(migrationName).Phase.LastRefusal;

    /// <summary>Checks every migration's models against each other, reads the phases, and starts following them.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var runtime in _runtimes.Values)
        {
            try
            {
                _ = runtime.Entities;
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(ex.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        foreach (var runtime in _runtimes.Values)
        {
            await runtime.Intents.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await Monitor.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync()
    {
        foreach (var runtime in _runtimes.Values)
        {
            if (runtime.Queue is { } queue)
            {
                await queue.ShutdownAsync(runtime.Options.ShutdownDrainTimeout).ConfigureAwait(false);
            }

            await runtime.Intents.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as IMigrationMonitor, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Monitor.Dispose();
        foreach (var runtime in _runtimes.Values)
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
        }
    }
}
