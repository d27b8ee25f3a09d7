using Microsoft.Extensions.Logging;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;

namespace MigrationMiddleware.Telemetry;

/// <summary>Every log message of the library. Messages carry names, keys and counts; never row values or connection strings.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = MigrationEventIds.PhaseChanged, EventName = nameof(MigrationEventIds.PhaseChanged), Level = LogLevel.Information,
        Message = "Migration '{Migration}' is now in phase {Phase} (was {PreviousPhase}).")]
    public static partial void PhaseChanged(ILogger logger, string migration, MigrationPhase phase, MigrationPhase previousPhase);

    [LoggerMessage(EventId = MigrationEventIds.InvalidPhaseFlag, EventName = nameof(MigrationEventIds.InvalidPhaseFlag), Level = LogLevel.Error,
        Message = "Migration '{Migration}': feature flag '{FeatureFlag}' gives {Value}, which is not a phase (expected one of OldOnly, DualWrite, ShadowRead, Cutover, NewOnly). Phase {Phase} stays in effect.")]
    public static partial void InvalidPhaseFlag(ILogger logger, string migration, string featureFlag, string value, MigrationPhase phase);

    [LoggerMessage(EventId = MigrationEventIds.PhaseFlagEvaluationFailed, EventName = nameof(MigrationEventIds.PhaseFlagEvaluationFailed), Level = LogLevel.Error,
        Message = "Migration '{Migration}': evaluating feature flag '{FeatureFlag}' failed. Phase {Phase} stays in effect.")]
    public static partial void PhaseFlagEvaluationFailed(ILogger logger, Exception exception, string migration, string featureFlag, MigrationPhase phase);

    [LoggerMessage(EventId = MigrationEventIds.AuthoritySwitchRefused, EventName = nameof(MigrationEventIds.AuthoritySwitchRefused), Level = LogLevel.Error,
        Message = "Migration '{Migration}': the switch from {Phase} to {RequestedPhase} moves the authoritative store and was refused: {Reason} Phase {Phase} stays in effect; the switch is tried again at the next refresh.")]
    public static partial void AuthoritySwitchRefused(ILogger logger, string migration, MigrationPhase phase, MigrationPhase requestedPhase, string reason);

    [LoggerMessage(EventId = MigrationEventIds.GeneratedKeysPrepared, EventName = nameof(MigrationEventIds.GeneratedKeysPrepared), Level = LogLevel.Information,
        Message = "Migration '{Migration}': advanced {Count} generated-key sequence(s) of the {Store} store past the existing keys.")]
    public static partial void GeneratedKeysPrepared(ILogger logger, string migration, int count, string store);

    [LoggerMessage(EventId = MigrationEventIds.DefaultPhaseInEffect, EventName = nameof(MigrationEventIds.DefaultPhaseInEffect), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': feature flag '{FeatureFlag}' has not given a valid phase yet; the default phase {Phase} is in effect.")]
    public static partial void DefaultPhaseInEffect(ILogger logger, string migration, string featureFlag, MigrationPhase phase);

    [LoggerMessage(EventId = MigrationEventIds.RollbackFromNewOnly, EventName = nameof(MigrationEventIds.RollbackFromNewOnly), Level = LogLevel.Warning,
        Message = "Migration '{Migration}' moved back from NewOnly to {Phase}. The old store did not receive the writes made in NewOnly; verify and repair it before relying on it.")]
    public static partial void RollbackFromNewOnly(ILogger logger, string migration, MigrationPhase phase);

    [LoggerMessage(EventId = MigrationEventIds.SecondaryWriteFailed, EventName = nameof(MigrationEventIds.SecondaryWriteFailed), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': writing {EntityType} {Key} to the {Store} store failed ({Reason}); handed to reconciliation.")]
    public static partial void SecondaryWriteFailed(ILogger logger, Exception? exception, string migration, string entityType, string key, string store, string reason);

    [LoggerMessage(EventId = MigrationEventIds.SecondaryWriteRetrying, EventName = nameof(MigrationEventIds.SecondaryWriteRetrying), Level = LogLevel.Debug,
        Message = "Migration '{Migration}': attempt {Attempt} to write {Count} row(s) to the secondary store did not complete ({Cause}).")]
    public static partial void SecondaryWriteRetrying(ILogger logger, string migration, int count, int attempt, string cause);

    [LoggerMessage(EventId = MigrationEventIds.DeferredQueueOverflow, EventName = nameof(MigrationEventIds.DeferredQueueOverflow), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': the deferred write queue is full ({Capacity}); {Count} change(s) were handed to reconciliation.")]
    public static partial void DeferredQueueOverflow(ILogger logger, string migration, int capacity, int count);

    [LoggerMessage(EventId = MigrationEventIds.DeferredQueueFlushedAtShutdown, EventName = nameof(MigrationEventIds.DeferredQueueFlushedAtShutdown), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': {Count} deferred write(s) were still queued at shutdown and were handed to reconciliation.")]
    public static partial void DeferredQueueFlushedAtShutdown(ILogger logger, string migration, int count);

    [LoggerMessage(EventId = MigrationEventIds.WriteThroughNonAuthoritativeStore, EventName = nameof(MigrationEventIds.WriteThroughNonAuthoritativeStore), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': {ContextType} saved changes to the {Store} store, which is not authoritative in phase {Phase}. The changes are mirrored, but the authoritative store was written second.")]
    public static partial void WriteThroughNonAuthoritativeStore(ILogger logger, string migration, string contextType, string store, MigrationPhase phase);

    [LoggerMessage(EventId = MigrationEventIds.BulkWriteNotMirrored, EventName = nameof(MigrationEventIds.BulkWriteNotMirrored), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': a {CommandSource} statement on {ContextType} changed rows outside SaveChanges; dual writing cannot mirror it. Repair the affected rows through reconciliation or verification.")]
    public static partial void BulkWriteNotMirrored(ILogger logger, string migration, string commandSource, string contextType);

    [LoggerMessage(EventId = MigrationEventIds.RepairSubmitted, EventName = nameof(MigrationEventIds.RepairSubmitted), Level = LogLevel.Debug,
        Message = "Migration '{Migration}': repair of {EntityType} {Key} in the {Store} store requested ({Reason}).")]
    public static partial void RepairSubmitted(ILogger logger, string migration, string entityType, string key, string store, RepairReason reason);

    [LoggerMessage(EventId = MigrationEventIds.RepairSubmissionFailed, EventName = nameof(MigrationEventIds.RepairSubmissionFailed), Level = LogLevel.Error,
        Message = "Migration '{Migration}': the reconciliation sink rejected the repair of {EntityType} {Key}.")]
    public static partial void RepairSubmissionFailed(ILogger logger, Exception exception, string migration, string entityType, string key);

    [LoggerMessage(EventId = MigrationEventIds.InvalidRepairRequest, EventName = nameof(MigrationEventIds.InvalidRepairRequest), Level = LogLevel.Error,
        Message = "A repair request cannot be processed: {Reason}")]
    public static partial void InvalidRepairRequest(ILogger logger, string reason);

    [LoggerMessage(EventId = MigrationEventIds.RepairTargetIsAuthoritative, EventName = nameof(MigrationEventIds.RepairTargetIsAuthoritative), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': the repair of {EntityType} {Key} targets the {Store} store, which is authoritative in phase {Phase}; skipped. Verify the row.")]
    public static partial void RepairTargetIsAuthoritative(ILogger logger, string migration, string entityType, string key, string store, MigrationPhase phase);

    [LoggerMessage(EventId = MigrationEventIds.IntentTableUnavailable, EventName = nameof(MigrationEventIds.IntentTableUnavailable), Level = LogLevel.Error,
        Message = "Migration '{Migration}': the intent table '{Table}' of the {Store} store could not be prepared; writes to that store carry no durable intent until it can.")]
    public static partial void IntentTableUnavailable(ILogger logger, Exception exception, string migration, string table, string store);

    [LoggerMessage(EventId = MigrationEventIds.IntentsRelayed, EventName = nameof(MigrationEventIds.IntentsRelayed), Level = LogLevel.Information,
        Message = "Migration '{Migration}': relayed {Count} write intent(s) to reconciliation.")]
    public static partial void IntentsRelayed(ILogger logger, string migration, int count);

    [LoggerMessage(EventId = MigrationEventIds.IntentCompletionFailed, EventName = nameof(MigrationEventIds.IntentCompletionFailed), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': deleting {Count} completed intent(s) failed; they will be relayed and their repairs find nothing to change.")]
    public static partial void IntentCompletionFailed(ILogger logger, Exception exception, string migration, int count);

    [LoggerMessage(EventId = MigrationEventIds.IntentRelayFailed, EventName = nameof(MigrationEventIds.IntentRelayFailed), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': relaying write intents failed; trying again at the next interval.")]
    public static partial void IntentRelayFailed(ILogger logger, Exception exception, string migration);

    [LoggerMessage(EventId = MigrationEventIds.RepairApplied, EventName = nameof(MigrationEventIds.RepairApplied), Level = LogLevel.Debug,
        Message = "Migration '{Migration}': repaired {Count} row(s) in the {Store} store.")]
    public static partial void RepairApplied(ILogger logger, string migration, int count, string store);

    [LoggerMessage(EventId = MigrationEventIds.RepairPublishFailed, EventName = nameof(MigrationEventIds.RepairPublishFailed), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': publishing {Count} repair request(s) failed; their intents are relayed once the broker is back.")]
    public static partial void RepairPublishFailed(ILogger logger, Exception exception, string migration, int count);

    [LoggerMessage(EventId = MigrationEventIds.RepairSpoolFailed, EventName = nameof(MigrationEventIds.RepairSpoolFailed), Level = LogLevel.Error,
        Message = "Migration '{Migration}': recording {Count} repair request(s) as durable intents failed; they are published from memory only.")]
    public static partial void RepairSpoolFailed(ILogger logger, Exception exception, string migration, int count);

    [LoggerMessage(EventId = MigrationEventIds.RepairPostponeFailed, EventName = nameof(MigrationEventIds.RepairPostponeFailed), Level = LogLevel.Debug,
        Message = "Migration '{Migration}': postponing the relay of {Count} published intent(s) failed; they will be relayed once more.")]
    public static partial void RepairPostponeFailed(ILogger logger, Exception exception, string migration, int count);

    [LoggerMessage(EventId = MigrationEventIds.ShadowReadMismatch, EventName = nameof(MigrationEventIds.ShadowReadMismatch), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': a shadow read of {EntityType} found {Count} row(s) the {Store} store answers differently: {Differences}")]
    public static partial void ShadowReadMismatch(ILogger logger, string migration, string entityType, int count, string store, string differences);

    [LoggerMessage(EventId = MigrationEventIds.ShadowReadFailed, EventName = nameof(MigrationEventIds.ShadowReadFailed), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': a shadow read of {EntityType} could not be compared ({Reason}); the caller was not affected.")]
    public static partial void ShadowReadFailed(ILogger logger, Exception exception, string migration, string entityType, string reason);

    [LoggerMessage(EventId = MigrationEventIds.ShadowReadUnsupported, EventName = nameof(MigrationEventIds.ShadowReadUnsupported), Level = LogLevel.Warning,
        Message = "Migration '{Migration}': a read was not compared: {Reason}. Further such reads are only counted.")]
    public static partial void ShadowReadUnsupported(ILogger logger, string migration, string reason);
}
