using MigrationMiddleware.Comparison;
using MigrationMiddleware.Internal;

namespace MigrationMiddleware.ShadowReads;

/// <summary>
/// How a migration compares reads between its stores. A read is compared in <c>ShadowRead</c> (and in <c>Cutover</c> when
/// <see cref="CompareInCutover"/> is set) when it goes through the repository, through
/// <see cref="ShadowReadQueryableExtensions.ToListWithShadowReadAsync{TEntity}"/>, or materializes an entity type listed with
/// <see cref="CompareEveryRead{TEntity}"/>. Comparisons run in the background and never slow or fail the caller.
/// </summary>
public sealed class ShadowReadOptions
{
    private readonly HashSet<Type> _everyRead = [];
    private readonly HashSet<(Type EntityType, string Path)> _ignored = [];

    /// <summary>Gets or sets the fraction of reads compared, from 0 (none) to 1 (all).</summary>
    /// <value>The default value is 1.</value>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Gets or sets how many comparisons may run at once. A read that finds no free slot is not compared (and is counted).</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrentComparisons { get; set; } = 4;

    /// <summary>Gets or sets how many entities read from listed types may wait for a comparison slot. Beyond it they are not compared.</summary>
    /// <value>The default value is 1,000.</value>
    public int EntityQueueCapacity { get; set; } = 1_000;

    /// <summary>Gets or sets whether reads are still compared (against the old store) in <c>Cutover</c>.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CompareInCutover { get; set; }

    /// <summary>Gets or sets whether mismatch logs include the differing values. Off by default: values are personal data.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool LogValues { get; set; }

    /// <summary>Gets or sets whether a confirmed mismatch also requests a repair of the row in the non-authoritative store.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RepairMismatches { get; set; }

    /// <summary>
    /// Gets or sets how many times a difference is read again from both stores before it is reported. A difference the
    /// dual-write lag explains (the change has reached one store, not yet the other) clears on a later read; real drift stays.
    /// </summary>
    /// <value>The default value is 3.</value>
    public int RecheckAttempts { get; set; } = 3;

    /// <summary>Gets or sets the wait before the second re-read; it doubles for each further one. Set it above the replication lag (for example the deferred queue's).</summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan RecheckDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets how long one comparison may take before it is abandoned and counted as an error.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan ComparisonTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets a custom comparison for property values: return <see langword="true"/> (equal), <see langword="false"/>
    /// (different) or <see langword="null"/> (use the default, <see cref="CanonicalValue.AreEqual"/>).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<PropertyComparison, bool?>? PropertyComparer { get; set; }

    internal IReadOnlySet<Type> EveryRead => _everyRead;

    /// <summary>Compares every entity of this type an application query materializes, by key, without changing the query.</summary>
    /// <typeparam name="TEntity">An aggregate root entity type of the migration.</typeparam>
    /// <returns>These options.</returns>
    public ShadowReadOptions CompareEveryRead<TEntity>()
        where TEntity : class
    {
        _everyRead.Add(typeof(TEntity));
        return this;
    }

    /// <summary>Ignores differences of one property (a path such as <c>UpdatedAt</c> or <c>Address.City</c>): they count as ignored, not as mismatches.</summary>
    /// <typeparam name="TEntity">The entity type.</typeparam>
    /// <param name="propertyPath">The property path.</param>
    /// <returns>These options.</returns>
    public ShadowReadOptions Ignore<TEntity>(string propertyPath)
        where TEntity : class
    {
        _ignored.Add((typeof(TEntity), Check.NotEmpty(propertyPath)));
        return this;
    }

    /// <summary>Ignores every difference of an entity type.</summary>
    /// <typeparam name="TEntity">The entity type.</typeparam>
    /// <returns>These options.</returns>
    public ShadowReadOptions IgnoreEntityType<TEntity>()
        where TEntity : class
    {
        _ignored.Add((typeof(TEntity), "*"));
        return this;
    }

    internal bool IsIgnored(Type entityType, string path) => _ignored.Contains((entityType, path));
}
