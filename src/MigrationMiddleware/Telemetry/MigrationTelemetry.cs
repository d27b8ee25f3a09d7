using System.Diagnostics;
using System.Diagnostics.Metrics;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Telemetry;

/// <summary>The one meter and activity source of the library, named after the assembly.</summary>
internal static class MigrationTelemetry
{
    public const string Name = "MigrationMiddleware";

    public const string MigrationTag = "migration.name";
    public const string EntityTypeTag = "migration.entity_type";
    public const string StoreTag = "migration.store";
    public const string ReasonTag = "migration.reason";
    public const string ModeTag = "migration.write_mode";
    public const string OutcomeTag = "migration.outcome";
    public const string PhaseTag = "migration.phase";
    public const string RoleTag = "migration.store_role";
    public const string KindTag = "migration.difference";

    private static readonly string? Version = typeof(MigrationTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource ActivitySource = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    public static readonly Counter<long> SecondaryRowsApplied = Meter.CreateCounter<long>(
        "migration.secondary_write.rows", "{row}", "Rows written to the secondary store by the state-based apply.");

    public static readonly Counter<long> SecondaryWriteFailures = Meter.CreateCounter<long>(
        "migration.secondary_write.failures", "{row}", "Changes whose secondary write failed and were handed to reconciliation.");

    public static readonly Histogram<double> SecondaryWriteDuration = Meter.CreateHistogram<double>(
        "migration.secondary_write.duration", "s", "Time to apply one batch of changes to the secondary store.");

    public static readonly Counter<long> SecondaryWriteRetries = Meter.CreateCounter<long>(
        "migration.secondary_write.retries", "{attempt}", "Secondary write attempts repeated after a failure or a concurrent change of the source.");

    public static readonly UpDownCounter<long> DeferredQueueLength = Meter.CreateUpDownCounter<long>(
        "migration.deferred.queue.length", "{row}", "Changes waiting in the deferred write queue.");

    public static readonly Counter<long> DeferredOverflows = Meter.CreateCounter<long>(
        "migration.deferred.overflows", "{row}", "Changes the deferred queue could not hold, handed to reconciliation instead.");

    public static readonly Counter<long> RepairsSubmitted = Meter.CreateCounter<long>(
        "migration.repairs.submitted", "{row}", "Repair requests handed to the reconciliation sink.");

    public static readonly Counter<long> PhaseChanges = Meter.CreateCounter<long>(
        "migration.phase.changes", "{change}", "Changes of the effective phase.");

    public static readonly Gauge<int> CurrentPhase = Meter.CreateGauge<int>(
        "migration.phase", "{phase}", "The effective phase: 0 OldOnly, 1 DualWrite, 2 ShadowRead, 3 Cutover, 4 NewOnly.");

    public static readonly Counter<long> AuthoritySwitchRefusals = Meter.CreateCounter<long>(
        "migration.authority_switch.refusals", "{refusal}", "Switches of the authoritative store refused because a precondition did not hold.");

    public static readonly Counter<long> IntentsRelayed = Meter.CreateCounter<long>(
        "migration.intents.relayed", "{intent}", "Write intents found still pending after the relay delay and submitted to reconciliation.");

    public static readonly Counter<long> RepairsApplied = Meter.CreateCounter<long>(
        "migration.repairs.applied", "{row}", "Repair requests applied by reconciliation.");

    public static readonly Counter<long> RepairsFailed = Meter.CreateCounter<long>(
        "migration.repairs.failed", "{row}", "Repair attempts that failed and will be retried or moved to the error queue.");

    public static readonly Counter<long> ShadowReadComparisons = Meter.CreateCounter<long>(
        "migration.shadow_read.comparisons", "{comparison}", "Shadow-read comparisons, by outcome: matched, mismatched, ignored or error.");

    public static readonly Counter<long> ShadowReadsSkipped = Meter.CreateCounter<long>(
        "migration.shadow_read.skipped", "{read}", "Reads not compared: sampled out, no free comparison slot (saturated), or not comparable (unsupported).");

    public static readonly Counter<long> ShadowReadMismatchedRows = Meter.CreateCounter<long>(
        "migration.shadow_read.mismatched_rows", "{row}", "Rows confirmed different between the stores, by kind: missing, extra or different.");

    public static readonly Counter<long> ShadowReadTransientRows = Meter.CreateCounter<long>(
        "migration.shadow_read.transient_rows", "{row}", "Rows that differed at first and matched on the second read: a concurrent write, not a mismatch.");

    public static readonly Histogram<double> ShadowReadDuration = Meter.CreateHistogram<double>(
        "migration.shadow_read.duration", "s", "Read latency of shadow-read comparisons, per store and role (authoritative or secondary).");

    public static readonly Counter<long> BulkWritesNotMirrored = Meter.CreateCounter<long>(
        "migration.bulk_writes.unmirrored", "{statement}", "Bulk statements that changed rows outside SaveChanges while both stores were written.");

    public static string StoreName(StoreRole store) => store == StoreRole.Old ? "old" : "new";
}
