using MigrationMiddleware.Stores;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Phases;

/// <summary>
/// The checks a switch of the authoritative store must pass. After the switch, rows are repaired from the new authoritative store,
/// so anything the old direction still owes (queued deferred writes, pending repairs) would be overwritten by stale data and lost;
/// and the new authoritative store must not hand out keys the copied rows already use.
/// </summary>
internal sealed class AuthoritySwitchGate
{
    /// <returns>Why the switch is refused, or <see langword="null"/> when it may proceed.</returns>
    public async Task<string?> CheckAsync(MigrationRuntime runtime, MigrationPhase requested, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (runtime.Queue is { } queue
            && !await queue.WaitForDrainAsync(runtime.Options.AuthoritySwitchDrainTimeout, cancellationToken).ConfigureAwait(false))
        {
            problems.Add($"{queue.Count} deferred write(s) are still queued after waiting {runtime.Options.AuthoritySwitchDrainTimeout}.");
        }

        long backlog;
        try
        {
            // The sink's own count and the durable intents describe the same backlog when both exist; the larger one counts.
            backlog = await runtime.Sink.GetBacklogAsync(runtime.Name, cancellationToken).ConfigureAwait(false) ?? 0;
            if (runtime.Intents.IsReady(StoreRole.Old) || runtime.Intents.IsReady(StoreRole.New))
            {
                backlog = Math.Max(backlog, await runtime.Intents.CountPendingAsync(cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"the repair backlog could not be counted ({ex.GetType().Name}: {ex.Message}).";
        }

        if (backlog > runtime.Options.MaxPendingRepairsForAuthoritySwitch)
        {
            problems.Add(
                $"{backlog} repair(s) are pending (the limit is {runtime.Options.MaxPendingRepairsForAuthoritySwitch}); let reconciliation repair them first.");
        }

        if (problems.Count == 0)
        {
            var keyProblem = await PrepareKeysAsync(runtime, PhaseRouting.Authoritative(requested), cancellationToken).ConfigureAwait(false);
            if (keyProblem is not null)
            {
                problems.Add(keyProblem);
            }
        }

        return problems.Count == 0 ? null : string.Join(" ", problems);
    }

    /// <returns>Why the store's generated keys could not be prepared, or <see langword="null"/> on success.</returns>
    public async Task<string?> PrepareKeysAsync(MigrationRuntime runtime, StoreRole store, CancellationToken cancellationToken)
    {
        if (!runtime.Options.PrepareGeneratedKeys)
        {
            return null;
        }

        try
        {
            var count = await GeneratedKeyPreparer.PrepareAsync(runtime, store, cancellationToken).ConfigureAwait(false);
            if (count > 0)
            {
                Log.GeneratedKeysPrepared(runtime.Logger, runtime.Name, count, MigrationTelemetry.StoreName(store));
            }

            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"the {MigrationTelemetry.StoreName(store)} store's generated-key sequences could not be advanced ({ex.GetType().Name}: {ex.Message}).";
        }
    }
}
