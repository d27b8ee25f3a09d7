namespace MigrationMiddleware.Reconciliation;

/// <summary>Why a row needs to be repaired in a store.</summary>
public enum RepairReason
{
    /// <summary>The best-effort write to the secondary store failed (connection refused, timeout, constraint violation, ...).</summary>
    SecondaryWriteFailed = 0,

    /// <summary>The deferred write queue was full when the change arrived.</summary>
    DeferredQueueOverflow = 1,

    /// <summary>The process shut down before the deferred write was applied.</summary>
    Shutdown = 2,

    /// <summary>A shadow read found the stores disagree on this row.</summary>
    ShadowReadMismatch = 3,

    /// <summary>A write intent was left behind by a process that stopped between the primary commit and the secondary write.</summary>
    RecoveredIntent = 4,

    /// <summary>Verification found the stores disagree on this row.</summary>
    VerificationMismatch = 5,
}
