using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.Mapping;
using MigrationMiddleware.Phases;
using MigrationMiddleware.ShadowReads;
using MigrationMiddleware.Stores;

namespace MigrationMiddleware.Repository;

/// <summary>
/// Routes each operation to the context of the store that is authoritative in the scope's pinned phase; the dual-write interceptor
/// on that context writes the other store. When the entity's model is not the authoritative store's, rows are mapped on the way.
/// </summary>
internal sealed class RoutingRepository<TEntity>(IServiceProvider services, MigrationRegistry registry, MigrationScope scope) : IRepository<TEntity>
    where TEntity : class
{
    private Route? _route;

    public async ValueTask<TEntity?> GetByIdAsync(object?[] keyValues, CancellationToken cancellationToken = default)
    {
        var route = Resolve();
        if (route.Mapping is null)
        {
            var started = Stopwatch.GetTimestamp();
            var found = await route.Context.FindAsync<TEntity>(keyValues, cancellationToken).ConfigureAwait(false);
            ShadowReadDispatch.AfterKeyRead(route.Context, route.Context.Model.FindEntityType(typeof(TEntity))!, keyValues, found, started);
            return found;
        }

        var stored = await route.Context.FindAsync(route.StoredType, keyValues, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : route.Detach<TEntity>(stored);
    }

    public async Task<IReadOnlyList<TEntity>> ListAsync(CancellationToken cancellationToken = default)
    {
        var route = Resolve();
        if (route.Mapping is null)
        {
            return await route.Context.Set<TEntity>().ToListWithShadowReadAsync(cancellationToken).ConfigureAwait(false);
        }

        var stored = await ListStoredAsync(route, cancellationToken).ConfigureAwait(false);
        return stored.ConvertAll(route.Detach<TEntity>);
    }

    public Task AddAsync(TEntity entity, CancellationToken cancellationToken = default) =>
        SaveAsync(entity, EntityState.Added, cancellationToken);

    public Task UpdateAsync(TEntity entity, CancellationToken cancellationToken = default) =>
        SaveAsync(entity, EntityState.Modified, cancellationToken);

    public Task RemoveAsync(TEntity entity, CancellationToken cancellationToken = default) =>
        SaveAsync(entity, EntityState.Deleted, cancellationToken);

    private static async Task<List<object>> ListStoredAsync(Route route, CancellationToken cancellationToken)
    {
        var query = (IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!
            .MakeGenericMethod(route.StoredType).Invoke(route.Context, null)!;
        return await query.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SaveAsync(TEntity entity, EntityState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var route = Resolve();
        var stored = route.Mapping is null ? entity : route.Mapping.Map(entity, route.Store);
        var entry = state switch
        {
            EntityState.Added => route.Context.Add(stored),
            EntityState.Modified => route.Context.Update(stored),
            _ => route.Context.Remove(stored),
        };

        await route.Context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (route.Mapping is not null)
        {
            if (state == EntityState.Added)
            {
                // Copy the store-generated key back to the caller's entity.
                var callerEntry = route.HomeContext.Entry(entity);
                var keyProperties = entry.Metadata.FindPrimaryKey()!.Properties;
                var callerKey = callerEntry.Metadata.FindPrimaryKey()!.Properties;
                for (var i = 0; i < keyProperties.Count; i++)
                {
                    callerEntry.Property(callerKey[i].Name).CurrentValue =
                        Synchronization.KeyValues.ConvertTo(entry.Property(keyProperties[i].Name).CurrentValue, callerKey[i].ClrType);
                }

                callerEntry.State = EntityState.Detached;
            }

            entry.State = EntityState.Detached;
        }
    }

    private Route Resolve()
    {
        if (_route is not null)
        {
            return _route;
        }

        foreach (var runtime in registry.All)
        {
            foreach (var home in (StoreRole[])[StoreRole.Old, StoreRole.New])
            {
                var definition = runtime.Definition;
                if (definition.SharesModel && home == StoreRole.New)
                {
                    continue;
                }

                if (runtime.Entities.Find(home, typeof(TEntity)) is not { } entity)
                {
                    continue;
                }

                var authoritative = PhaseRouting.Authoritative(scope.Pin(runtime).Phase);
                var homeContext = (DbContext)services.GetRequiredService(definition.ContextType(home));
                if (definition.SharesModel || authoritative == home)
                {
                    return _route = new Route(homeContext, homeContext, home, typeof(TEntity), null);
                }

                var context = (DbContext)services.GetRequiredService(definition.ContextType(authoritative));
                var storedType = context.Model.FindEntityType(entity.TypeName(authoritative))!.ClrType;
                return _route = new Route(context, homeContext, authoritative, storedType, entity.Mapping);
            }
        }

        throw new InvalidOperationException($"'{typeof(TEntity).Name}' is not an entity type of any registered migration.");
    }

    /// <summary>Where operations go: the authoritative store's context, and the mapping when that is not the entity's own model.</summary>
    private sealed record Route(DbContext Context, DbContext HomeContext, StoreRole Store, Type StoredType, EntityMapping? Mapping)
    {
        public T Detach<T>(object stored)
        {
            Context.Entry(stored).State = EntityState.Detached;
            return (T)Mapping!.Map(stored, PhaseRouting.Other(Store));
        }
    }
}
