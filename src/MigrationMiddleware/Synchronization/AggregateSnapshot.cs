using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MigrationMiddleware.Synchronization;

/// <summary>
/// The values of an aggregate at one moment, flattened in a stable order: every property of the root, then each owned entity.
/// Two snapshots of the same store compare with the model's value comparers.
/// </summary>
internal sealed class AggregateSnapshot
{
    private readonly List<(string Path, IProperty Property, object? Value)> _values;

    private AggregateSnapshot(string entityTypeName, List<(string Path, IProperty Property, object? Value)> values)
    {
        EntityTypeName = entityTypeName;
        _values = values;
    }

    public string EntityTypeName { get; }

    public static AggregateSnapshot Capture(EntityEntry root)
    {
        var values = new List<(string, IProperty, object?)>();
        Add(root, string.Empty, values);
        return new AggregateSnapshot(root.Metadata.Name, values);
    }

    /// <summary>Gets whether two snapshots (of the same model) hold the same values.</summary>
    public static bool AreEqual(AggregateSnapshot? left, AggregateSnapshot? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        if (left._values.Count != right._values.Count || !string.Equals(left.EntityTypeName, right.EntityTypeName, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < left._values.Count; i++)
        {
            var (path, property, value) = left._values[i];
            var other = right._values[i];
            if (!string.Equals(path, other.Path, StringComparison.Ordinal) || !property.GetValueComparer().Equals(value, other.Value))
            {
                return false;
            }
        }

        return true;
    }

    private static void Add(EntityEntry entry, string prefix, List<(string, IProperty, object?)> values)
    {
        var current = entry.CurrentValues;
        foreach (var property in entry.Metadata.GetProperties())
        {
            values.Add((prefix.Length == 0 ? property.Name : prefix + property.Name, property, current[property]));
        }

        foreach (var navigation in Aggregate.OwnedNavigations(entry.Metadata))
        {
            var owned = Aggregate.OwnedEntries(entry, navigation);
            for (var i = 0; i < owned.Count; i++)
            {
                Add(owned[i], navigation.IsCollection ? $"{prefix}{navigation.Name}[{i}]." : $"{prefix}{navigation.Name}.", values);
            }
        }
    }
}
