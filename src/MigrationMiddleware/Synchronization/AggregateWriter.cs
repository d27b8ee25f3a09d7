using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using MigrationMiddleware.Mapping;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Synchronization;

/// <summary>
/// Makes an aggregate in a target context equal to its state in a source context: inserts it, overwrites it, or removes it.
/// Works on tracked entries, so EF generates the SQL, orders the commands by foreign keys, and matches concurrency tokens
/// against the values it just loaded from the target.
/// </summary>
internal static class AggregateWriter
{
    private const string CopyPlansAnnotation = "MigrationMiddleware:CopyPlans";

    /// <param name="entity">The migrated entity type.</param>
    /// <param name="targetStore">The store written to.</param>
    /// <param name="source">The aggregate's root in the source context.</param>
    /// <param name="target">The target context.</param>
    /// <param name="existing">The aggregate's root as loaded from the target, if it exists there.</param>
    /// <param name="adapt">Whether values are adapted to PostgreSQL (<see cref="ProviderValues.NeedsAdaptation"/> of the target).</param>
    public static void Upsert(MigratedEntity entity, StoreRole targetStore, EntityEntry source, DbContext target, EntityEntry? existing, bool adapt)
    {
        if (entity.Mapping is { } mapping)
        {
            UpsertMapped(mapping, targetStore, source, target, existing);
            return;
        }

        if (existing is null)
        {
            var created = target.Entry(NewInstance(source, target.Model.FindEntityType(source.Metadata.Name)!, adapt));
            created.State = EntityState.Added;
            CopyValues(source, created, adapt);
            return;
        }

        if (!string.Equals(existing.Metadata.Name, source.Metadata.Name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"A row of '{entity.Name}' is a '{source.Metadata.DisplayName()}' in one store and a '{existing.Metadata.DisplayName()}' in the other; changing the type of an existing row is not supported.");
        }

        CopyValues(source, existing, adapt);
    }

    public static void Remove(DbContext target, EntityEntry existing) => target.Remove(existing.Entity);

    /// <summary>Copies every property, shadow ones included, then the owned entities, matched by key.</summary>
    private static void CopyValues(EntityEntry source, EntityEntry target, bool adapt)
    {
        var sourceValues = source.CurrentValues;
        var targetValues = target.CurrentValues;
        foreach (var (targetProperty, sourceProperty, adaptable) in CopyPlan(source.Metadata, target.Metadata))
        {
            var value = sourceValues[sourceProperty];
            targetValues[targetProperty] = adapt && adaptable ? ProviderValues.ForPostgreSql(targetProperty, value) : value;
        }

        foreach (var navigation in Aggregate.OwnedNavigations(target.Metadata))
        {
            var sourceNavigation = source.Metadata.FindNavigation(navigation.Name);
            var sourceItems = sourceNavigation is null ? [] : Aggregate.OwnedEntries(source, sourceNavigation);
            var targetItems = Aggregate.OwnedEntries(target, navigation);
            if (navigation.IsCollection)
            {
                CopyCollection(navigation, sourceItems, target, targetItems, adapt);
            }
            else
            {
                CopyReference(navigation, sourceItems.FirstOrDefault(), target, targetItems.FirstOrDefault(), adapt);
            }
        }
    }

    /// <summary>
    /// The target's properties paired with the source's properties of the same name: by name, because the two stores' models are
    /// different instances (and providers) even when they describe the same classes. Computed once per pair of entity types.
    /// </summary>
    private static CopyStep[] CopyPlan(IEntityType source, IEntityType target) =>
        target.GetOrAddRuntimeAnnotationValue(CopyPlansAnnotation, static _ => new ConcurrentDictionary<IEntityType, CopyStep[]>(), (object?)null)
            .GetOrAdd(source, static (sourceType, targetType) =>
                [
                    .. targetType.GetProperties()
                        .Select(p => (Target: p, Source: sourceType.FindProperty(p.Name)))
                        .Where(p => p.Source is not null)
                        .Select(p => new CopyStep(p.Target, p.Source!, ProviderValues.IsAdaptable(p.Target))),
                ],
                target);

    private static void CopyReference(INavigation navigation, EntityEntry? source, EntityEntry owner, EntityEntry? target, bool adapt)
    {
        var reference = owner.Reference(navigation.Name);
        if (source is null)
        {
            if (target is not null)
            {
                reference.CurrentValue = null;
            }

            return;
        }

        if (target is null)
        {
            reference.CurrentValue = NewInstance(source, navigation.TargetEntityType, adapt);
            target = reference.TargetEntry!;
        }

        CopyValues(source, target, adapt);
    }

    private static void CopyCollection(INavigation navigation, List<EntityEntry> sources, EntityEntry owner, List<EntityEntry> targets, bool adapt)
    {
        var accessor = navigation.GetCollectionAccessor()!;
        var unmatched = targets.ToDictionary(Aggregate.KeyText, StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (unmatched.Remove(Aggregate.KeyText(source), out var target))
            {
                CopyValues(source, target, adapt);
                continue;
            }

            var item = NewInstance(source, navigation.TargetEntityType, adapt);
            accessor.Add(owner.Entity, item, forMaterialization: false);
            owner.DetectChanges();
            CopyValues(source, owner.Context.Entry(item), adapt);
        }

        foreach (var stale in unmatched.Values)
        {
            accessor.Remove(owner.Entity, stale.Entity);
        }

        if (unmatched.Count > 0)
        {
            owner.DetectChanges();
        }
    }

    /// <summary>Creates an untracked instance holding the source's values, adapted to the target engine before it is tracked.</summary>
    private static object NewInstance(EntityEntry source, IEntityType targetType, bool adapt)
    {
        var instance = source.CurrentValues.ToObject();
        if (adapt)
        {
            ProviderValues.AdaptInstance(targetType, instance);
        }

        return instance;
    }

    private static void UpsertMapped(EntityMapping mapping, StoreRole targetStore, EntityEntry source, DbContext target, EntityEntry? existing)
    {
        var mapped = mapping.Map(source.Entity, targetStore);
        var targetType = target.Model.FindEntityType(mapped.GetType())
            ?? throw new InvalidOperationException($"The mapping of '{source.Metadata.DisplayName()}' produced a '{mapped.GetType().Name}', which is not an entity type of the target store.");
        CheckSameKey(source, targetType, mapped);

        if (existing is null)
        {
            target.Add(mapped);
            return;
        }

        existing.CurrentValues.SetValues(mapped);
        foreach (var navigation in Aggregate.OwnedNavigations(existing.Metadata))
        {
            var value = ReadMember(navigation, mapped);
            if (navigation.IsCollection)
            {
                existing.Collection(navigation.Name).CurrentValue = (System.Collections.IEnumerable?)value;
            }
            else
            {
                existing.Reference(navigation.Name).CurrentValue = value;
            }
        }
    }

    private static void CheckSameKey(EntityEntry source, IEntityType targetType, object mapped)
    {
        var sourceKey = KeyValues.PrimaryKey(source);
        var targetProperties = targetType.FindPrimaryKey()!.Properties;
        for (var i = 0; i < targetProperties.Count; i++)
        {
            var mappedValue = ReadMember(targetProperties[i], mapped);
            var expected = KeyValues.ConvertTo(sourceKey[i], targetProperties[i].ClrType);
            if (!targetProperties[i].GetKeyValueComparer().Equals(mappedValue, expected))
            {
                throw new InvalidOperationException(
                    $"The mapping of '{source.Metadata.DisplayName()}' changed the primary key; mapped rows must keep their key values.");
            }
        }
    }

    private readonly record struct CopyStep(IProperty Target, IProperty Source, bool Adaptable);

    private static object? ReadMember(IPropertyBase property, object entity) =>
        property.PropertyInfo?.GetValue(entity)
        ?? property.FieldInfo?.GetValue(entity)
        ?? (property.PropertyInfo is null && property.FieldInfo is null
            ? throw new InvalidOperationException($"'{property.DeclaringType.DisplayName()}.{property.Name}' has no CLR member; mapped models cannot use shadow key or owned navigation members.")
            : null);
}
