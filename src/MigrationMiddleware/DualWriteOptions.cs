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

    /// <summary>
    /// Gets or sets whether each change also writes a durable intent row in the same transaction as the primary write (the
    /// transactional outbox), so a process that dies between the primary commit and the secondary write loses nothing.
    /// Costs one extra statement in each primary transaction and a batched delete after the secondary write.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool DurableIntents { get; set; } = true;

    /// <summary>Gets or sets the name of the intent table, which exists in both stores.</summary>
    /// <value>The default value is <c>mm_write_intents</c>.</value>
    public string IntentTableName { get; set; } = "mm_write_intents";

    /// <summary>Gets or sets whether the intent tables are created at start-up when missing. When <see langword="false"/>, they must exist.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CreateIntentTables { get; set; } = true;

    /// <summary>Gets or sets how often intents left behind are looked for and relayed to reconciliation.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan IntentRelayInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how old an intent must be before the relay treats it as left behind. It must exceed the time a healthy
    /// secondary write takes; each later relay of the same intent waits twice as long.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan IntentRelayAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the longest wait between two relays of the same intent. It also bounds how long an intent whose repair was
    /// handed to a durable transport waits in the queue before it is relayed again.
    /// </summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan IntentRelayMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    internal string ResolveFeatureFlagName(string migrationName) =>
        string.IsNullOrWhiteSpace(FeatureFlagName) ? "MigrationPhase." + migrationName : FeatureFlagName;
}
