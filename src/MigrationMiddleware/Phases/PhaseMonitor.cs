using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Phases;

/// <summary>
/// Reads each migration's phase from its feature flag (the variant name is the phase) at start-up, at every configuration reload,
/// and on a timer, and applies changes. An unreadable or invalid flag never throws on a request path: the last valid phase stays.
/// </summary>
internal sealed class PhaseMonitor : IDisposable
{
    // Every request and every instance must see the same phase, so the flag is evaluated without the caller's targeting context:
    // user, group and percentile allocations cannot split a fleet across phases.
    private static readonly TargetingContext FleetWide = new() { UserId = string.Empty, Groups = [] };

    private readonly IVariantFeatureManager _features;
    private readonly IConfiguration? _configuration;
    private readonly ILogger _logger;
    private readonly AuthoritySwitchGate _switchGate;
    private readonly SemaphoreSlim _evaluating = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<MigrationRuntime> _runtimes = [];
    private IDisposable? _reloadSubscription;
    private int _started;
    private int _disposed;

    public PhaseMonitor(IVariantFeatureManager features, IConfiguration? configuration, ILoggerFactory loggerFactory)
    {
        _features = features;
        _configuration = configuration;
        _logger = loggerFactory.CreateLogger("MigrationMiddleware.Phases");
        _switchGate = new AuthoritySwitchGate();
    }

    public event EventHandler<MigrationPhaseChangedEventArgs>? PhaseChanged;

    public void Track(MigrationRuntime runtime) => _runtimes.Add(runtime);

    /// <summary>Reads every flag once, then follows reloads and the refresh timer.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var runtime in _runtimes)
        {
            if (!runtime.Phase.HasBeenRead)
            {
                await EvaluateAsync(runtime, cancellationToken).ConfigureAwait(false);
            }
        }

        StartFollowing();
    }

    /// <summary>Reads a flag for the first time on the calling thread. Only used when no host started the monitor.</summary>
    public void EnsureRead(MigrationRuntime runtime)
    {
        if (runtime.Phase.HasBeenRead)
        {
            return;
        }

        // Off the caller's context, so no synchronization context can deadlock the wait.
        Task.Run(() => EvaluateAsync(runtime, CancellationToken.None)).GetAwaiter().GetResult();
        StartFollowing();
    }

    public async Task<MigrationPhase> RefreshAsync(MigrationRuntime runtime, CancellationToken cancellationToken)
    {
        await EvaluateAsync(runtime, cancellationToken).ConfigureAwait(false);
        return runtime.Phase.Peek.Phase;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _reloadSubscription?.Dispose();
        _stopping.Dispose();
    }

    private void StartFollowing()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        var token = _stopping.Token;
        if (_configuration is not null)
        {
            // FeatureManagement marks its cached definitions stale from the same reload token; evaluating on another thread lets
            // its callback, registered earlier, run first.
            _reloadSubscription = ChangeToken.OnChange(_configuration.GetReloadToken, () => _ = Task.Run(() => RefreshAllAsync(token), token));
        }

        var interval = _runtimes.Count == 0 ? TimeSpan.FromSeconds(5) : _runtimes.Min(r => r.Options.PhaseRefreshInterval);
        _ = Task.Run(() => RefreshPeriodicallyAsync(interval, token), token);
    }

    private async Task RefreshPeriodicallyAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await RefreshAllAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAllAsync(CancellationToken cancellationToken)
    {
        foreach (var runtime in _runtimes)
        {
            try
            {
                await EvaluateAsync(runtime, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task EvaluateAsync(MigrationRuntime runtime, CancellationToken cancellationToken)
    {
        await _evaluating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EvaluateCoreAsync(runtime, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            runtime.Phase.MarkRead();
            _evaluating.Release();
        }
    }

    private async Task EvaluateCoreAsync(MigrationRuntime runtime, CancellationToken cancellationToken)
    {
        var state = runtime.Phase;
        var current = state.Peek.Phase;
        var flag = runtime.Options.ResolveFeatureFlagName(runtime.Name);
        string? value;
        try
        {
            value = (await _features.GetVariantAsync(flag, FleetWide, cancellationToken).ConfigureAwait(false))?.Name;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.PhaseFlagEvaluationFailed(_logger, ex, runtime.Name, flag, current);
            return;
        }

        if (!TryParsePhase(value, out var requested))
        {
            var shown = value is null
                ? "no variant (it is disabled without default_when_disabled, missing, or allocates a variant it does not define)"
                : $"the variant '{value}'";
            if (!string.Equals(state.LastInvalidValue, shown, StringComparison.Ordinal))
            {
                state.LastInvalidValue = shown;
                if (value is null && !state.HasValidReading)
                {
                    Log.DefaultPhaseInEffect(_logger, runtime.Name, flag, current);
                }
                else
                {
                    Log.InvalidPhaseFlag(_logger, runtime.Name, flag, shown, current);
                }
            }

            return;
        }

        state.LastInvalidValue = null;
        var firstReading = !state.HasValidReading;
        state.HasValidReading = true;
        if (firstReading && requested >= MigrationPhase.Cutover)
        {
            // At start-up the phase is the fleet's, not a switch this instance makes: it is taken as is, and the new store's
            // generated keys are prepared in case no instance did it.
            var problem = await _switchGate.PrepareKeysAsync(runtime, PhaseRouting.Authoritative(requested), cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                Log.AuthoritySwitchRefused(_logger, runtime.Name, current, requested, problem);
            }
        }

        if (requested == current)
        {
            return;
        }

        if (!firstReading && PhaseRouting.Authoritative(requested) != PhaseRouting.Authoritative(current))
        {
            var refusal = await _switchGate.CheckAsync(runtime, requested, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                MigrationTelemetry.AuthoritySwitchRefusals.Add(1, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name));
                if (!string.Equals(state.LastRefusal, refusal, StringComparison.Ordinal))
                {
                    Log.AuthoritySwitchRefused(_logger, runtime.Name, current, requested, refusal);
                }

                state.LastRefusal = refusal;
                return;
            }
        }

        state.LastRefusal = null;
        state.Set(requested);
        Log.PhaseChanged(_logger, runtime.Name, requested, current);
        if (current == MigrationPhase.NewOnly)
        {
            Log.RollbackFromNewOnly(_logger, runtime.Name, requested);
        }

        MigrationTelemetry.PhaseChanges.Add(1, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name));
        MigrationTelemetry.CurrentPhase.Record((int)requested, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name));
        PhaseChanged?.Invoke(this, new MigrationPhaseChangedEventArgs(runtime.Name, current, requested));
    }

    internal static bool TryParsePhase(string? value, out MigrationPhase phase)
    {
        phase = default;
        return value is { Length: > 0 }
            && value.All(char.IsAsciiLetter)
            && Enum.TryParse(value, ignoreCase: true, out phase)
            && Enum.IsDefined(phase);
    }
}
