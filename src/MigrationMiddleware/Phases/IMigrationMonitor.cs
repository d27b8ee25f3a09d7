namespace MigrationMiddleware.Phases;

/// <summary>Reads and follows the phases of the registered migrations.</summary>
public interface IMigrationMonitor
{
    /// <summary>Gets the names of the registered migrations.</summary>
    IReadOnlyCollection<string> Migrations { get; }

    /// <summary>Raised after the effective phase of a migration changed. Handlers run on the monitor's thread and must be quick.</summary>
    event EventHandler<MigrationPhaseChangedEventArgs>? PhaseChanged;

    /// <summary>Raised after each shadow-read comparison, on a background thread. Handlers must be quick and must not throw.</summary>
    event EventHandler<ShadowReads.ShadowComparisonEventArgs>? ShadowComparisonCompleted;

    /// <summary>Gets the effective phase of a migration, as new units of work see it.</summary>
    /// <param name="migrationName">The migration.</param>
    /// <returns>The effective phase.</returns>
    MigrationPhase GetPhase(string migrationName);

    /// <summary>
    /// Reads the phase flag now instead of waiting for the next configuration reload or refresh, and applies the result.
    /// A switch of the authoritative store still goes through its checks and may be refused.
    /// </summary>
    /// <param name="migrationName">The migration.</param>
    /// <param name="cancellationToken">A token to cancel the refresh.</param>
    /// <returns>The effective phase after the refresh.</returns>
    ValueTask<MigrationPhase> RefreshAsync(string migrationName, CancellationToken cancellationToken = default);

    /// <summary>Waits until every secondary write queued so far (in deferred mode) has been applied or handed to reconciliation.</summary>
    /// <param name="migrationName">The migration.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">A token to cancel the wait.</param>
    /// <returns><see langword="false"/> if the timeout elapsed first.</returns>
    Task<bool> DrainSecondaryWritesAsync(string migrationName, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Gets why the last switch of the authoritative store was refused, or <see langword="null"/> if the last attempt was not refused.</summary>
    /// <param name="migrationName">The migration.</param>
    /// <returns>The reason, in words.</returns>
    string? GetLastRefusal(string migrationName);
}
