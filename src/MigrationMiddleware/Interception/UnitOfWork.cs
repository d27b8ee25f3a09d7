namespace MigrationMiddleware.Interception;

/// <summary>The changes of one context instance on their way to the secondary store.</summary>
internal sealed class UnitOfWork
{
    public Lock Sync { get; } = new();

    /// <summary>Gets the changes captured by the SaveChanges in progress.</summary>
    public List<CapturedChange> Saving { get; } = [];

    /// <summary>Gets the changes saved inside a transaction that has not committed yet.</summary>
    public List<CapturedChange> AwaitingCommit { get; } = [];

    /// <summary>Gets or sets whether a SaveChanges is in progress; commits seen meanwhile are EF's own and handled when it ends.</summary>
    public bool InSaveChanges { get; set; }

    /// <summary>
    /// Gets or sets whether automatic change detection was switched off for the save in progress (changes were detected once
    /// when they were captured) and must be switched back on when it ends.
    /// </summary>
    public bool RestoreAutoDetectChanges { get; set; }

    public List<CapturedChange> TakeAwaitingCommit()
    {
        var taken = new List<CapturedChange>(AwaitingCommit);
        AwaitingCommit.Clear();
        return taken;
    }
}
