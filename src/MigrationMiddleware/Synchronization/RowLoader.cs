using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using MigrationMiddleware.Mapping;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Synchronization;

/// <summary>Loads aggregates by canonical key from one store, tracked, keyed by canonical key.</summary>
internal static class RowLoader
{
    public static async ValueTask<Dictionary<EntityKey, EntityEntry>> LoadAsync(
        bool async, MigrationRuntime runtime, DbContext context, StoreRole store, IEnumerable<EntityKey> keys, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<EntityKey, EntityEntry>();
        foreach (var group in keys.GroupBy(k => k.EntityName, StringComparer.Ordinal))
        {
            var entity = runtime.Entities.FindByName(group.Key)
                ?? throw new InvalidOperationException($"'{group.Key}' is not an entity type of migration '{runtime.Name}'.");
            var entityType = EntityType(context, entity, store);
            var primaryKey = entityType.FindPrimaryKey()!;
            var values = group.Select(k => KeyValues.ConvertTo(k.Values, primaryKey)).ToList();
            foreach (var loaded in await KeyQuery.LoadByPrimaryKeyAsync(async, context, entityType, values, cancellationToken).ConfigureAwait(false))
            {
                var entry = context.Entry(loaded);
                rows[entity.CreateKey(KeyValues.PrimaryKey(entry))] = entry;
            }
        }

        return rows;
    }

    public static IEntityType EntityType(DbContext context, MigratedEntity entity, StoreRole store) =>
        context.Model.FindEntityType(entity.TypeName(store))
        ?? throw new InvalidOperationException($"The {MigrationTelemetry.StoreName(store)} store's model has no entity type '{entity.TypeName(store)}'.");
}
