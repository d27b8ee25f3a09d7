using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using MigrationMiddleware.Comparison;
using MigrationMiddleware.Stores;
using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware.ShadowReads;

/// <summary>
/// What happens on the caller's path after the authoritative store answered a read that may be compared: decide (phase, sample,
/// free slot), take an image of what the caller received, and hand the comparison to the background. Nothing here throws.
/// </summary>
internal static class ShadowReadDispatch
{
    /// <summary>After a query the caller opted in: its results are compared with the same query on the other store.</summary>
    public static void AfterQuery(DbContext? context, Expression expression, Type elementType, System.Collections.IEnumerable results, long started)
    {
        if (context is null || Binding(context) is not { } binding)
        {
            return;
        }

        var comparer = binding.Runtime.ShadowReads;
        if (!comparer.Applies(binding.Pin))
        {
            return;
        }

        comparer.RecordReadDuration(binding.Store, authoritative: true, started);
        var entityType = context.Model.FindEntityType(elementType);
        if (entityType is null || entityType.IsOwned() || !QueryRebaser.CanRebase(expression))
        {
            comparer.ReportUnsupported($"only queries of entity types over entity sets can be compared ({elementType.Name})");
            return;
        }

        if (binding.Runtime.Entities.Find(binding.Store, entityType.GetRootType().Name) is not { } entity || !comparer.Sample() || !comparer.TryTakeSlot())
        {
            return;
        }

        try
        {
            // Untracked results carry no shadow values; the other store is then read untracked too, which costs it less.
            var images = new Dictionary<EntityKey, RowImage>();
            var tracked = false;
            foreach (var result in results)
            {
                var entry = context.Entry(result);
                tracked |= entry.State != EntityState.Detached;
                var (key, image) = RowImage.Capture(entry, entityType, result);
                images[entity.CreateKey(key)] = image;
            }

            comparer.StartQuery(binding.Store, entity.Name, elementType, expression, images, tracked);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            comparer.ReleaseSlot();
            comparer.ReportUnsupported(ex.Message);
        }
    }

    /// <summary>After a read by key (the repository's): the row the caller received is compared with the other store's.</summary>
    public static void AfterKeyRead(DbContext context, IEntityType entityType, object?[] keyValues, object? result, long started)
    {
        if (Binding(context) is not { } binding || !binding.Runtime.ShadowReads.Applies(binding.Pin))
        {
            return;
        }

        var comparer = binding.Runtime.ShadowReads;
        comparer.RecordReadDuration(binding.Store, authoritative: true, started);
        if (binding.Runtime.Entities.Find(binding.Store, entityType.GetRootType().Name) is not { } entity || !comparer.Sample() || !comparer.TryTakeSlot())
        {
            return;
        }

        var key = entity.CreateKey(keyValues);
        var images = new Dictionary<EntityKey, RowImage>();
        if (result is not null)
        {
            images[key] = RowImage.FromInstance(context, entityType, result);
        }

        comparer.StartKeys(binding.Store, entity.Name, [key], images);
    }

    /// <summary>The binding of a context whose instances follow the phase (both stores share its model), if any.</summary>
    public static ContextBinding? Binding(DbContext context) =>
        MigrationContextExtension.Find(context) is { IsInternal: false } extension
            ? extension.Bindings.FirstOrDefault(b => b.Runtime.Definition.SharesModel)
            : null;
}
