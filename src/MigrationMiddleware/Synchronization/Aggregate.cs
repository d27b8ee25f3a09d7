using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MigrationMiddleware.Synchronization;

/// <summary>Walks an aggregate: an entity entry with the owned entities reachable through ownership navigations.</summary>
internal static class Aggregate
{
    private const string OwnedNavigationsAnnotation = "MigrationMiddleware:OwnedNavigations";

    /// <summary>Gets the ownership navigations of an entity type (from owner to owned), in a stable order; computed once per model.</summary>
    public static IReadOnlyList<INavigation> OwnedNavigations(IEntityType entityType) =>
        entityType.GetOrAddRuntimeAnnotationValue(
            OwnedNavigationsAnnotation,
            static type => type!.GetNavigations()
                .Where(n => n.ForeignKey.IsOwnership && !n.IsOnDependent)
                .OrderBy(n => n.Name, StringComparer.Ordinal)
                .ToArray(),
            entityType);

    /// <summary>Gets the tracked owned entities behind one ownership navigation, ordered by primary key.</summary>
    public static List<EntityEntry> OwnedEntries(EntityEntry owner, INavigation navigation)
    {
        if (!navigation.IsCollection)
        {
            return owner.Reference(navigation.Name).TargetEntry is { } target ? [target] : [];
        }

        var items = owner.Collection(navigation.Name).CurrentValue;
        if (items is null)
        {
            return [];
        }

        return items.Cast<object>()
            .Select(item => owner.Context.Entry(item))
            .OrderBy(e => KeyText(e), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Enumerates the root entry and every owned entry below it, depth first.</summary>
    public static IEnumerable<EntityEntry> Entries(EntityEntry root)
    {
        yield return root;
        foreach (var navigation in OwnedNavigations(root.Metadata))
        {
            foreach (var owned in OwnedEntries(root, navigation))
            {
                foreach (var entry in Entries(owned))
                {
                    yield return entry;
                }
            }
        }
    }

    public static string KeyText(EntityEntry entry) => new EntityKey(entry.Metadata.Name, KeyValues.PrimaryKey(entry)).ToString();
}
