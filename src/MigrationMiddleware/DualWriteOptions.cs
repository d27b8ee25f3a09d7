using MigrationMiddleware.Phases;
using MigrationMiddleware.SecondaryWrites;

namespace MigrationMiddleware;

/// <summary>Options of one named migration. Validated at start-up; every problem is reported at once.</summary>
public sealed class DualWriteOptions
{
    /// <summary>Gets or sets the feature flag whose variant name is the phase.</summary>
    /// <value>The default value is <see langword="null"/>, which means <c>MigrationPhase.{migration name}</c>.</value>
    public string? FeatureFlagName { get; set; }

    /// <summary>Gets or sets the phase in effect until the flag has been read successfully once.</summary>
    /// <value>The default value is <see cref="MigrationPhase.OldOnly"/>.</value>
    public MigrationPhase DefaultPhase { get; set; } = MigrationPhase.OldOnly;

    /// <summary>Gets or sets how often the flag is read again, in addition to every configuration reload.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan PhaseRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets when the secondary write happens.</summary>
    /// <value>The default value is <see cref="SecondaryWriteMode.Inline"/>.</value>
    public SecondaryWriteMode WriteMode { get; set; } = SecondaryWriteMode.Inline;

    /// <summary>Gets or sets how long one secondary write batch may take before it is abandoned and handed to reconciliation.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan SecondaryWriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many times a secondary write batch is attempted before its rows are handed to reconciliation.</summary>
    /// <value>The default value is 3.</value>
    public int SecondaryWriteAttempts { get; set; } = 3;

    /// <summary>Gets or sets how many changes the deferred queue holds. Changes beyond it go to reconciliation.</summary>
    /// <value>The default value is 10,000.</value>
    public int DeferredQueueCapacity { get; set; } = 10_000;

    /// <summary>Gets or sets how many changes the deferred writer applies in one batch.</summary>
    /// <value>The default value is 128.</value>
    public int DeferredBatchSize { get; set; } = 128;

    /// <summary>Gets or sets how long shutdown waits for the deferred queue to drain before the rest goes to reconciliation.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets whether a store's generated-key sequences (PostgreSQL identity and serial columns, SQLite AUTOINCREMENT)
    /// are advanced past the copied keys before it becomes authoritative. When a store's provider has no known way to do it,
    /// the switch is refused unless this is <see langword="false"/>.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PrepareGeneratedKeys { get; set; } = true;

    /// <summary>
    /// Gets or sets the headroom added above the largest existing key when a sequence is advanced, so that inserts made through the
    /// other store by instances that have not switched yet cannot collide.
    /// </summary>
    /// <value>The default value is 1,000.</value>
    public long GeneratedKeyGap { get; set; } = 1_000;

    /// <summary>Gets or sets the largest repair backlog at which the authoritative store may still switch.</summary>
    /// <value>The default value is 0: every failed secondary write must be repaired first.</value>
    public long MaxPendingRepairsForAuthoritySwitch { get; set; }

    /// <summary>Gets or sets how long a switch of the authoritative store waits for the deferred queue to drain.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan AuthoritySwitchDrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal string ResolveFeatureFlagName(string migrationName) =>
        string.IsNullOrWhiteSpace(FeatureFlagName) ? "MigrationPhase." + migrationName : FeatureFlagName;
}
