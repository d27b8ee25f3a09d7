namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// Receives rows that could not be written to the secondary store, so they can be repaired later.
/// The default sink keeps them in process (<see cref="InProcessReconciliationSink"/>); the MassTransit add-on sends them to a broker.
/// </summary>
public interface IReconciliationSink
{
    /// <summary>
    /// Accepts a repair request. Called on the caller's path after the primary write committed, so it must neither block
    /// on I/O nor throw.
    /// </summary>
    /// <param name="request">The repair request.</param>
    void Submit(RepairRequest request);

    /// <summary>
    /// Counts the repairs of a migration that were submitted but are not known to be done.
    /// A switch of the authoritative store is refused while this exceeds <see cref="DualWriteOptions.MaxPendingRepairsForAuthoritySwitch"/>.
    /// </summary>
    /// <param name="migrationName">The migration.</param>
    /// <param name="cancellationToken">A token to cancel the count.</param>
    /// <returns>The number of pending repairs, or <see langword="null"/> when this sink cannot know.</returns>
    ValueTask<long?> GetBacklogAsync(string migrationName, CancellationToken cancellationToken = default);
}
