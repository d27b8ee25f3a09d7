using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware.Comparison;

/// <summary>
/// The values of one aggregate as a flat map from property path (<c>Name</c>, <c>Address.City</c>, <c>Notes[Seq=2].Text</c>) to
/// value, so aggregates read from different models and engines can be compared path by path. Owned collection items are addressed
/// by their own key, so their order does not matter. Shadow properties of an untracked entity cannot be read and are recorded as
/// unknown: they are not compared.
/// </summary>
internal sealed class RowImage
{
    private readonly Dictionary<string, (IProperty Property, object? Value)> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);

    private RowImage(IEntityType entityType)
    {
        EntityTypeName = entityType.Name;
        ClrType = entityType.ClrType;
    }

    public string EntityTypeName { get; }

    public Type ClrType { get; }

    public IReadOnlyDictionary<string, (IProperty Property, object? Value)> Values => _values;

    public IReadOnlySet<string> Unknown => _unknown;

    /// <summary>Images a tracked aggregate, shadow properties included.</summary>
    public static RowImage FromEntry(EntityEntry root)
    {
        var image = new RowImage(root.Metadata);
        image.AddEntry(root, string.Empty);
        return image;
    }

    /// <summary>Images an entity the way a caller received it: from its entry when the context tracks it, else from its CLR members.</summary>
    public static RowImage FromInstance(DbContext context, IEntityType entityType, object entity)
    {
        var entry = context.Entry(entity);
        return entry.State != EntityState.Detached ? FromEntry(entry) : FromUntracked(entityType, entity);
    }

    /// <summary>
    /// Reads the key of an entity a query returned and images it: from <paramref name="entry"/> when that is tracked (shadow values
    /// included), else from its CLR members.
    /// </summary>
    public static (object?[] Key, RowImage Image) Capture(EntityEntry? entry, IEntityType entityType, object entity) =>
        entry is { State: not EntityState.Detached }
            ? (KeyValues.PrimaryKey(entry), FromEntry(entry))
            : (KeyValues.PrimaryKey(entityType, entity), FromUntracked(entityType, entity));

    /// <summary>Images an entity no context tracks, from its CLR members; its shadow properties are recorded as unknown.</summary>
    public static RowImage FromUntracked(IEntityType entityType, object entity)
    {
        var actualType = entity.GetType() == entityType.ClrType
            ? entityType
            : entityType.Model.FindRuntimeEntityType(entity.GetType()) is { } runtime && runtime.GetRootType() == entityType.GetRootType() ? runtime : entityType;
        var image = new RowImage(actualType);
        image.AddInstance(actualType, entity, string.Empty);
        return image;
    }

    private void AddEntry(EntityEntry entry, string prefix)
    {
        foreach (var property in entry.Metadata.GetProperties())
        {
            _values[prefix + property.Name] = (property, entry.Property(property.Name).CurrentValue);
        }

        foreach (var navigation in Aggregate.OwnedNavigations(entry.Metadata))
        {
            var items = Aggregate.OwnedEntries(entry, navigation);
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                AddEntry(item, navigation.IsCollection ? $"{prefix}{navigation.Name}[{ItemKey(navigation, i, p => item.Property(p.Name).CurrentValue)}]." : $"{prefix}{navigation.Name}.");
            }
        }
    }

    private void AddInstance(IEntityType entityType, object entity, string prefix)
    {
        foreach (var property in entityType.GetProperties())
        {
            if (property.IsShadowProperty())
            {
                _unknown.Add(prefix + property.Name);
                continue;
            }

            _values[prefix + property.Name] = (property, property.GetGetter().GetClrValue(entity));
        }

        foreach (var navigation in Aggregate.OwnedNavigations(entityType))
        {
            var value = navigation.GetGetter().GetClrValue(entity);
            var target = navigation.TargetEntityType;
            if (!navigation.IsCollection)
            {
                if (value is not null)
                {
                    AddInstance(target, value, $"{prefix}{navigation.Name}.");
                }

                continue;
            }

            var items = ((System.Collections.IEnumerable?)value)?.Cast<object>().ToList() ?? [];
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                AddInstance(target, item, $"{prefix}{navigation.Name}[{ItemKey(navigation, i, p => p.IsShadowProperty() ? null : p.GetGetter().GetClrValue(item))}].");
            }
        }
    }

    /// <summary>An owned item's own key (its primary key without the owner's part), or its position when that key cannot be read.</summary>
    private static string ItemKey(INavigation navigation, int position, Func<IProperty, object?> read)
    {
        var ownership = navigation.ForeignKey.Properties;
        var own = navigation.TargetEntityType.FindPrimaryKey()!.Properties.Where(p => !ownership.Contains(p)).ToList();
        if (own.Count == 0 || own.Any(p => p.IsShadowProperty() && read(p) is null))
        {
            return "#" + position.ToString(CultureInfo.InvariantCulture);
        }

        return string.Join(",", own.Select(p => $"{p.Name}={CanonicalValue.Format(read(p))}"));
    }
}
