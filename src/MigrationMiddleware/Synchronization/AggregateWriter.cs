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
    public static void Upsert(MigratedEntity entity, StoreRole targetStore, EntityEntry source, DbContext target, EntityEntry? existing)
    {
        if (entity.Mapping is { } mapping)
        {
            UpsertMapped(mapping, targetStore, source, target, existing);
            return;
        }

        if (existing is null)
        {
            var created = target.Entry(NewInstance(source, target, target.Model.FindEntityType(source.Metadata.Name)!));
            created.State = EntityState.Added;
            CopyValues(source, created);
            return;
        }

        if (!string.Equals(existing.Metadata.Name, source.Metadata.Name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"A row of '{entity.Name}' is a '{source.Metadata.DisplayName()}' in one store and a '{existing.Metadata.DisplayName()}' in the other; changing the type of an existing row is not supported.");
        }

        CopyValues(source, existing);
    }

    public static void Remove(DbContext target, EntityEntry existing) => target.Remove(existing.Entity);

    /// <summary>Copies every property, shadow ones included, then the owned entities, matched by key.</summary>
    private static void CopyValues(EntityEntry source, EntityEntry target)
    {
        // By name: the two stores' models are different instances (and providers) even when they describe the same classes.
        var adapt = ProviderValues.NeedsAdaptation(target.Context);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in target.Metadata.GetProperties())
        {
            if (source.Metadata.FindProperty(property.Name) is { } sourceProperty)
            {
                var value = source.CurrentValues[sourceProperty];
                values[property.Name] = adapt ? ProviderValues.ForPostgreSql(property, value) : value;
            }
        }

        target.CurrentValues.SetValues(values);
        foreach (var navigation in Aggregate.OwnedNavigations(target.Metadata))
        {
            var sourceNavigation = source.Metadata.FindNavigation(navigation.Name);
            var sourceItems = sourceNavigation is null ? [] : Aggregate.OwnedEntries(source, sourceNavigation);
            var targetItems = Aggregate.OwnedEntries(target, navigation);
            if (navigation.IsCollection)
            {
                CopyCollection(navigation, sourceItems, target, targetItems);
            }
            else
            {
                CopyReference(navigation, sourceItems.FirstOrDefault(), target, targetItems.FirstOrDefault());
            }
        }
    }

    private static void CopyReference(INavigation navigation, EntityEntry? source, EntityEntry owner, EntityEntry? target)
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
            reference.CurrentValue = NewInstance(source, owner.Context, navigation.TargetEntityType);
            target = reference.TargetEntry!;
        }

        CopyValues(source, target);
    }

    private static void CopyCollection(INavigation navigation, List<EntityEntry> sources, EntityEntry owner, List<EntityEntry> targets)
    {
        var accessor = navigation.GetCollectionAccessor()!;
        var unmatched = targets.ToDictionary(Aggregate.KeyText, StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (unmatched.Remove(Aggregate.KeyText(source), out var target))
            {
                CopyValues(source, target);
                continue;
            }

            var item = NewInstance(source, owner.Context, navigation.TargetEntityType);
            accessor.Add(owner.Entity, item, forMaterialization: false);
            owner.DetectChanges();
            CopyValues(source, owner.Context.Entry(item));
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
    private static object NewInstance(EntityEntry source, DbContext target, IEntityType targetType)
    {
        var instance = source.CurrentValues.ToObject();
        if (ProviderValues.NeedsAdaptation(target))
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

    private static object? ReadMember(IPropertyBase property, object entity) =>
        property.PropertyInfo?.GetValue(entity)
        ?? property.FieldInfo?.GetValue(entity)
        ?? (property.PropertyInfo is null && property.FieldInfo is null
            ? throw new InvalidOperationException($"'{property.DeclaringType.DisplayName()}.{property.Name}' has no CLR member; mapped models cannot use shadow key or owned navigation members.")
            : null);
}
