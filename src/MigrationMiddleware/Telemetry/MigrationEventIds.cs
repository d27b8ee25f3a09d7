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

    /// <summary>A repair request names a migration, entity type or key that does not exist; it goes to the error queue.</summary>
    public const int InvalidRepairRequest = 1203;

    /// <summary>A repair was skipped because its target store is authoritative now; verification owns the row.</summary>
    public const int RepairTargetIsAuthoritative = 1204;

    /// <summary>Publishing repair requests to the broker failed; their durable intents are relayed once it is back.</summary>
    public const int RepairPublishFailed = 1210;

    /// <summary>Recording repair requests as durable intents failed; they exist in memory only until published.</summary>
    public const int RepairSpoolFailed = 1211;

    /// <summary>Postponing the relay of published intents failed; they will be relayed once more.</summary>
    public const int RepairPostponeFailed = 1212;

    // 1400-1499: shadow reads

    /// <summary>A shadow read found rows on which the stores disagree, confirmed by a second read. Keys and property names are logged; values only when enabled.</summary>
    public const int ShadowReadMismatch = 1400;

    /// <summary>A shadow-read comparison could not run (the other store failed or timed out); the caller was not affected.</summary>
    public const int ShadowReadFailed = 1401;

    /// <summary>A read cannot be compared (a projection, raw SQL, or a migration whose stores have different models); logged once.</summary>
    public const int ShadowReadUnsupported = 1402;

    // 1300-1399: durable write intents

    /// <summary>The intent table of a store could not be created or read; intents are not written there until it can.</summary>
    public const int IntentTableUnavailable = 1300;

    /// <summary>Intents still present after the relay delay were submitted to reconciliation.</summary>
    public const int IntentsRelayed = 1301;

    /// <summary>Deleting completed intents failed; they will be relayed and find nothing to repair.</summary>
    public const int IntentCompletionFailed = 1302;

    /// <summary>A relay pass failed; it is tried again at the next interval.</summary>
    public const int IntentRelayFailed = 1303;
}
