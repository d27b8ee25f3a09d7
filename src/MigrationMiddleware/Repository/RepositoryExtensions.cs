using MigrationMiddleware.Internal;

namespace MigrationMiddleware.Repository;

/// <summary>Conveniences over <see cref="IRepository{TEntity}"/>.</summary>
public static class RepositoryExtensions
{
    /// <summary>Finds an entity by a single-column primary key.</summary>
    /// <typeparam name="TEntity">The entity type.</typeparam>
    /// <param name="repository">The repository.</param>
    /// <param name="id">The key value.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The entity, or <see langword="null"/>.</returns>
    public static ValueTask<TEntity?> GetByIdAsync<TEntity>(this IRepository<TEntity> repository, object id, CancellationToken cancellationToken = default)
        where TEntity : class
    {
        Check.NotNull(repository);
        Check.NotNull(id);
        return repository.GetByIdAsync([id], cancellationToken);
    }
}
