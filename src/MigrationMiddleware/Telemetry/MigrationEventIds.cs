namespace MigrationMiddleware.Telemetry;

/// <summary>
/// Stable event ids of everything MigrationMiddleware logs. Ids are grouped in ranges by feature and are never renumbered,
/// so alerts and dashboards can key on them.
/// </summary>
public static class MigrationEventIds
{
    // 1000-1099: phases

    /// <summary>The effective phase of a migration changed.</summary>
    public const int PhaseChanged = 1000;

    /// <summary>The phase flag holds a value that is not a phase; the last valid phase stays in effect.</summary>
    public const int InvalidPhaseFlag = 1001;

    /// <summary>Evaluating the phase flag threw; the last valid phase stays in effect.</summary>
    public const int PhaseFlagEvaluationFailed = 1002;

    /// <summary>A switch of the authoritative store was refused because a precondition does not hold; the previous phase stays in effect.</summary>
    public const int AuthoritySwitchRefused = 1003;

    /// <summary>Generated-key sequences of a store were advanced before it became authoritative.</summary>
    public const int GeneratedKeysPrepared = 1004;

    /// <summary>No valid phase has been read yet; the default phase is in effect.</summary>
    public const int DefaultPhaseInEffect = 1005;

    /// <summary>The phase moved back from <c>NewOnly</c>: the old store missed every write made while in <c>NewOnly</c>.</summary>
    public const int RollbackFromNewOnly = 1006;

    // 1100-1199: the write path

    /// <summary>A best-effort write to the secondary store failed and was handed to reconciliation.</summary>
    public const int SecondaryWriteFailed = 1100;

    /// <summary>A secondary write attempt failed or saw the source change, and is tried again.</summary>
    public const int SecondaryWriteRetrying = 1101;

    /// <summary>The deferred write queue was full; the change was handed to reconciliation.</summary>
    public const int DeferredQueueOverflow = 1102;

    /// <summary>Deferred writes still queued at shutdown were handed to reconciliation.</summary>
    public const int DeferredQueueFlushedAtShutdown = 1103;

    /// <summary>A context bound to the non-authoritative store saved changes; they were mirrored, but the write order of the phase was not kept.</summary>
    public const int WriteThroughNonAuthoritativeStore = 1104;

    /// <summary>A bulk statement (ExecuteUpdate, ExecuteDelete or raw SQL) changed rows that dual writing cannot see.</summary>
    public const int BulkWriteNotMirrored = 1105;

    // 1200-1299: reconciliation

    /// <summary>A repair request was handed to the reconciliation sink.</summary>
    public const int RepairSubmitted = 1200;

    /// <summary>The reconciliation sink itself failed to accept a repair request.</summary>
    public const int RepairSubmissionFailed = 1201;

    /// <summary>A repair was applied.</summary>
    public const int RepairApplied = 1202;
}
