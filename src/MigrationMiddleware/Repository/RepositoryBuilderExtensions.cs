using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MigrationMiddleware.Internal;

namespace MigrationMiddleware.Repository;

/// <summary>Adds <see cref="IRepository{TEntity}"/> to a migration.</summary>
public static class RepositoryBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IRepository{TEntity}"/> (scoped) for every entity type of the registered migrations. When the new store
    /// has its own model, a repository of an old-model entity type maps to and from the new model while the new store is authoritative.
    /// </summary>
    /// <param name="builder">The migration's builder.</param>
    /// <returns>The builder.</returns>
    public static IDualWriteBuilder AddRepositories(this IDualWriteBuilder builder)
    {
        Check.NotNull(builder);
        builder.Services.TryAdd(ServiceDescriptor.Scoped(typeof(IRepository<>), typeof(RoutingRepository<>)));
        return builder;
    }
}
