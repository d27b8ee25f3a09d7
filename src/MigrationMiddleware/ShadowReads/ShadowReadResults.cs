namespace MigrationMiddleware.ShadowReads;

/// <summary>The outcome of one shadow-read comparison.</summary>
public enum ShadowReadOutcome
{
    /// <summary>Both stores gave the same answer (possibly after differences vanished on a second read: see <see cref="ShadowComparisonEventArgs.TransientRows"/>).</summary>
    Matched = 0,

    /// <summary>The stores disagree on at least one row, confirmed by a second read.</summary>
    Mismatched = 1,

    /// <summary>The stores differ only in properties or entity types an ignore rule covers.</summary>
    Ignored = 2,

    /// <summary>The comparison could not run (the other store failed or timed out). The caller was not affected.</summary>
    Error = 3,
}

/// <summary>How one row differs.</summary>
public enum ShadowMismatchKind
{
    /// <summary>The authoritative store has the row; the other store does not.</summary>
    MissingInSecondary = 0,

    /// <summary>The other store returned a row the authoritative store did not.</summary>
    ExtraInSecondary = 1,

    /// <summary>Both stores have the row, with different values in <see cref="ShadowMismatch.Properties"/>.</summary>
    Different = 2,
}

/// <summary>One row on which the stores disagree.</summary>
/// <param name="KeyValues">The row's primary key values.</param>
/// <param name="Kind">How it differs.</param>
/// <param name="Properties">The property paths that differ (for <see cref="ShadowMismatchKind.Different"/>).</param>
public sealed record ShadowMismatch(IReadOnlyList<object?> KeyValues, ShadowMismatchKind Kind, IReadOnlyList<string> Properties);

/// <summary>Describes a completed shadow-read comparison. Holds keys and property names, never values.</summary>
/// <param name="migrationName">The migration.</param>
/// <param name="entityType">The entity type compared.</param>
/// <param name="outcome">The outcome.</param>
/// <param name="mismatches">The confirmed mismatches.</param>
/// <param name="transientRows">Rows that differed at first and matched on the second read (a concurrent write).</param>
public sealed class ShadowComparisonEventArgs(string migrationName, string entityType, ShadowReadOutcome outcome, IReadOnlyList<ShadowMismatch> mismatches, int transientRows) : EventArgs
{
    /// <summary>Gets the migration.</summary>
    public string MigrationName { get; } = migrationName;

    /// <summary>Gets the entity type compared.</summary>
    public string EntityType { get; } = entityType;

    /// <summary>Gets the outcome.</summary>
    public ShadowReadOutcome Outcome { get; } = outcome;

    /// <summary>Gets the confirmed mismatches.</summary>
    public IReadOnlyList<ShadowMismatch> Mismatches { get; } = mismatches;

    /// <summary>Gets how many rows differed at first and matched on the second read.</summary>
    public int TransientRows { get; } = transientRows;
}
