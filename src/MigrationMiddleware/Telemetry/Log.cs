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

    [LoggerMessage(EventId = MigrationEventIds.RepairApplied, EventName = nameof(MigrationEventIds.RepairApplied), Level = LogLevel.Debug,
        Message = "Migration '{Migration}': repaired {Count} row(s) in the {Store} store.")]
    public static partial void RepairApplied(ILogger logger, string migration, int count, string store);
}
