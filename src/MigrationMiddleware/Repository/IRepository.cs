namespace MigrationMiddleware.Repository;

/// <summary>
/// A minimal repository over one entity type. Each write is saved at once. Registered by
/// <see cref="RepositoryBuilderExtensions.AddRepositories(IDualWriteBuilder)"/>, it follows the migration's phase exactly as the
/// application's context does: reads from and writes first to the authoritative store, with the other store written after.
/// </summary>
/// <typeparam name="TEntity">The entity type.</typeparam>
public interface IRepository<TEntity>
    where TEntity : class
{
    /// <summary>Finds an entity by primary key.</summary>
    /// <param name="keyValues">The primary key values, in key order.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The entity, or <see langword="null"/>.</returns>
    ValueTask<TEntity?> GetByIdAsync(object?[] keyValues, CancellationToken cancellationToken = default);

    /// <summary>Lists every entity.</summary>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The entities.</returns>
    Task<IReadOnlyList<TEntity>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts an entity. Store-generated keys are set on <paramref name="entity"/>.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="cancellationToken">A token to cancel the write.</param>
    /// <returns>A task that completes when the write is saved.</returns>
    Task AddAsync(TEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Overwrites an existing entity with <paramref name="entity"/>'s values.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="cancellationToken">A token to cancel the write.</param>
    /// <returns>A task that completes when the write is saved.</returns>
    Task UpdateAsync(TEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Deletes an entity.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="cancellationToken">A token to cancel the write.</param>
    /// <returns>A task that completes when the write is saved.</returns>
    Task RemoveAsync(TEntity entity, CancellationToken cancellationToken = default);
}
