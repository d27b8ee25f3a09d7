using Microsoft.EntityFrameworkCore.Diagnostics;
using MigrationMiddleware.Stores;

namespace MigrationMiddleware.ShadowReads;

/// <summary>
/// Compares every entity of the listed types that an application query materializes, by key, without changing the query:
/// the key is taken as the entity is materialized and the comparison of both stores' rows runs in the background. Added to a
/// context's options only when one of its migrations lists such types.
/// </summary>
internal sealed class EveryReadInterceptor : IMaterializationInterceptor
{
    public static readonly EveryReadInterceptor Instance = new();

    private EveryReadInterceptor()
    {
    }

    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        var entityType = materializationData.EntityType;
        if (entityType.IsOwned() || MigrationContextExtension.Find(materializationData.Context) is not { IsInternal: false } extension)
        {
            return entity;
        }

        foreach (var binding in extension.Bindings)
        {
            var comparer = binding.Runtime.ShadowReads;
            if (!comparer.ComparesEveryRead(entityType.ClrType) || !comparer.Applies(binding.Pin)
                || binding.Runtime.Entities.Find(binding.Store, entityType.GetRootType().Name) is not { } migrated || !comparer.Sample())
            {
                continue;
            }

            var key = migrated.CreateKey([.. entityType.FindPrimaryKey()!.Properties.Select(materializationData.GetPropertyValue)]);
            comparer.EnqueueEveryRead(binding.Store, key);
        }

        return entity;
    }
}
