using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.Synchronization;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.SecondaryWrites;

/// <summary>
/// Takes the keys a unit of work changed, after the primary commit, and gets them into the other store: now (inline) or through
/// the deferred queue. Whatever cannot be written goes to the reconciliation sink. Nothing here throws to the caller.
/// </summary>
internal sealed class SecondaryWriter(MigrationRuntime runtime)
{
    public ValueTask WriteAsync(bool async, StoreRole source, IReadOnlyList<PendingWrite> writes)
    {
        if (runtime.Queue is { } queue)
        {
            queue.Enqueue(source, writes);
            return ValueTask.CompletedTask;
        }

        return ApplyNowAsync(async, source, writes, CancellationToken.None);
    }

    /// <summary>
    /// Applies the keys within the configured timeout, or until <paramref name="stopping"/> fires; failures are logged, counted
    /// and handed to reconciliation.
    /// </summary>
    public async ValueTask ApplyNowAsync(bool async, StoreRole source, IReadOnlyList<PendingWrite> writes, CancellationToken stopping)
    {
        var keys = writes.Select(w => w.Key).Distinct().ToList();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(runtime.Options.SecondaryWriteTimeout);
        ApplyResult result;
        try
        {
            result = await runtime.Applier.ApplyAsync(async, source, keys, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            result = new ApplyResult(0, keys, ex);
        }

        var failed = result.Failed.ToHashSet();
        runtime.Intents.Complete(source, writes.Where(w => !failed.Contains(w.Key)).Select(w => w.IntentId));
        if (failed.Count > 0)
        {
            var reason = stopping.IsCancellationRequested ? RepairReason.Shutdown : RepairReason.SecondaryWriteFailed;
            HandOff(PhaseRouting.Other(source), writes.Where(w => failed.Contains(w.Key)), reason, result.Error);
        }
    }

    /// <summary>Logs, counts and submits repair requests for keys that did not reach <paramref name="target"/>.</summary>
    public void HandOff(StoreRole target, IEnumerable<PendingWrite> writes, RepairReason reason, Exception? error)
    {
        var store = MigrationTelemetry.StoreName(target);
        var detail = error?.GetType().Name ?? reason switch
        {
            RepairReason.DeferredQueueOverflow => "the deferred write queue was full",
            RepairReason.Shutdown => "the process shut down first",
            _ => "the source row kept changing while it was copied",
        };
        var now = DateTimeOffset.UtcNow;
        var first = true;
        foreach (var (key, intentId) in writes)
        {
            MigrationTelemetry.SecondaryWriteFailures.Add(
                1,
                new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name),
                new KeyValuePair<string, object?>(MigrationTelemetry.EntityTypeTag, key.EntityName),
                new KeyValuePair<string, object?>(MigrationTelemetry.StoreTag, store),
                new KeyValuePair<string, object?>(MigrationTelemetry.ReasonTag, reason.ToString()));

            // The exception is logged once per batch; every key is logged, so an operator can find each row.
            Log.SecondaryWriteFailed(runtime.Logger, first ? error : null, runtime.Name, key.EntityName, key.ValuesText, store, detail);
            first = false;
            Submit(new RepairRequest(runtime.Name, key.EntityName, key.Values, target, reason, now, detail, intentId), key);
        }
    }

    /// <summary>Submits a repair request to the sink, counting and logging it; never throws.</summary>
    public void RequestRepair(RepairRequest request, EntityKey key) => Submit(request, key);

    private void Submit(RepairRequest request, EntityKey key)
    {
        try
        {
            runtime.Sink.Submit(request);
            MigrationTelemetry.RepairsSubmitted.Add(
                1,
                new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name),
                new KeyValuePair<string, object?>(MigrationTelemetry.ReasonTag, request.Reason.ToString()));
            Log.RepairSubmitted(runtime.Logger, runtime.Name, key.EntityName, key.ValuesText, MigrationTelemetry.StoreName(request.TargetStore), request.Reason);
        }
        catch (Exception ex)
        {
            Log.RepairSubmissionFailed(runtime.Logger, ex, runtime.Name, key.EntityName, key.ValuesText);
        }
    }
}
