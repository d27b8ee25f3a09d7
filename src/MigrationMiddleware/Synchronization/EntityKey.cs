using System.Collections;

namespace MigrationMiddleware.Synchronization;

/// <summary>
/// Identifies one aggregate of a migration: the canonical entity type name (the old model's) and the primary key values.
/// Equality is by value, element by element, so keys read from different contexts or messages compare equal.
/// </summary>
internal sealed class EntityKey : IEquatable<EntityKey>
{
    private readonly object?[] _values;
    private readonly int _hash;

    public EntityKey(string entityName, object?[] values)
    {
        EntityName = entityName;
        _values = values;
        var hash = new HashCode();
        hash.Add(entityName, StringComparer.Ordinal);
        foreach (var value in values)
        {
            hash.Add(value is byte[] bytes ? StructuralComparisons.StructuralEqualityComparer.GetHashCode(bytes) : value?.GetHashCode() ?? 0);
        }

        _hash = hash.ToHashCode();
    }

    public string EntityName { get; }

    public IReadOnlyList<object?> Values => _values;

    public bool Equals(EntityKey? other)
    {
        if (other is null || other._hash != _hash || other._values.Length != _values.Length || !string.Equals(other.EntityName, EntityName, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < _values.Length; i++)
        {
            if (!StructuralComparisons.StructuralEqualityComparer.Equals(_values[i], other._values[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is EntityKey key && Equals(key);

    public override int GetHashCode() => _hash;

    /// <summary>Gets the key values formatted for logs, such as <c>(42)</c>. Keys identify rows; they are not treated as row values.</summary>
    public string ValuesText => $"({string.Join(", ", _values.Select(FormatValue))})";

    public override string ToString() => EntityName + ValuesText;

    private static string FormatValue(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
