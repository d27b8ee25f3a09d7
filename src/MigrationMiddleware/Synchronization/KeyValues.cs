using System.Globalization;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MigrationMiddleware.Synchronization;

/// <summary>Reads and converts key values using EF metadata.</summary>
internal static class KeyValues
{
    public static object?[] PrimaryKey(EntityEntry entry) =>
        entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue).ToArray();

    /// <summary>Reads the primary key of an entity no context tracks, from its CLR members.</summary>
    /// <exception cref="NotSupportedException">The key has a shadow property, which an untracked instance does not carry.</exception>
    public static object?[] PrimaryKey(IEntityType entityType, object entity) =>
        [.. entityType.FindPrimaryKey()!.Properties.Select(p => p.IsShadowProperty()
            ? throw new NotSupportedException($"'{entityType.DisplayName()}' has a shadow key, which an untracked result does not carry; query it with tracking to compare it")
            : p.GetGetter().GetClrValue(entity))];

    /// <summary>
    /// Gets the primary key of the aggregate root that owns <paramref name="entry"/>, climbing ownership links through the
    /// owned entities' foreign key values, and the root's entity type.
    /// </summary>
    public static (IEntityType Root, object?[] Key) RootKey(EntityEntry entry)
    {
        var entityType = entry.Metadata;
        var values = PrimaryKey(entry);
        var first = true;
        while (entityType.FindOwnership() is { } ownership)
        {
            // The ownership foreign key is part of the owned entity's primary key and holds the owner's primary key.
            var keyProperties = entityType.FindPrimaryKey()!.Properties;
            var ownerValues = new object?[ownership.Properties.Count];
            for (var i = 0; i < ownerValues.Length; i++)
            {
                var index = IndexOf(keyProperties, ownership.Properties[i]);
                ownerValues[i] = index >= 0 ? values[index]
                    : first ? entry.Property(ownership.Properties[i].Name).CurrentValue
                    : throw new InvalidOperationException($"The ownership key of '{entityType.DisplayName()}' is not part of its primary key.");
            }

            entityType = ownership.PrincipalEntityType;
            values = ownerValues;
            first = false;
        }

        return (entityType.GetRootType(), values);
    }

    private static int IndexOf(IReadOnlyList<IProperty> properties, IProperty property)
    {
        for (var i = 0; i < properties.Count; i++)
        {
            if (properties[i] == property)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Converts a key value to the CLR type of a key property of another model (for example int to long).</summary>
    public static object? ConvertTo(object? value, Type type)
    {
        if (value is null)
        {
            return null;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsInstanceOfType(value))
        {
            return value;
        }

        if (target == typeof(Guid) && value is string text)
        {
            return Guid.Parse(text);
        }

        if (target.IsEnum)
        {
            return Enum.ToObject(target, value);
        }

        return value is IConvertible ? Convert.ChangeType(value, target, CultureInfo.InvariantCulture) : value;
    }

    public static object?[] ConvertTo(IReadOnlyList<object?> values, IKey key) =>
        key.Properties.Select((p, i) => ConvertTo(values[i], p.ClrType)).ToArray();
}
