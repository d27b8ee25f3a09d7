using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware.Comparison;

/// <summary>How one row differs between the authoritative store and the other one.</summary>
internal enum DifferenceKind
{
    /// <summary>The authoritative store has the row; the other store does not.</summary>
    Missing,

    /// <summary>The other store has a row the authoritative store does not.</summary>
    Extra,

    /// <summary>Both stores have the row, with different values.</summary>
    Different,
}

/// <summary>One row's difference: its key, the kind, the differing property paths, and whether only ignored properties differ.</summary>
internal sealed record RowDifference(EntityKey Key, DifferenceKind Kind, IReadOnlyList<PropertyDifference> Properties, bool IgnoredOnly);

/// <summary>One property that differs, with both values (logged only when value logging is on).</summary>
internal sealed record PropertyDifference(string Path, object? Authoritative, object? Secondary, bool Ignored);

/// <summary>Compares aggregates path by path with <see cref="CanonicalValue"/>, honoring ignore rules and a custom comparer.</summary>
internal sealed class RowComparer(Func<Type, string, bool> isIgnored, Func<PropertyComparison, bool?>? custom)
{
    /// <summary>Compares two sets of rows keyed the same way; returns one difference per row that differs.</summary>
    public List<RowDifference> Compare(IReadOnlyDictionary<EntityKey, RowImage> authoritative, IReadOnlyDictionary<EntityKey, RowImage> secondary)
    {
        var differences = new List<RowDifference>();
        foreach (var (key, image) in authoritative)
        {
            if (!secondary.TryGetValue(key, out var other))
            {
                differences.Add(new RowDifference(key, DifferenceKind.Missing, [], isIgnored(image.ClrType, "*")));
            }
            else if (Compare(image, other) is { } difference)
            {
                differences.Add(difference with { Key = key });
            }
        }

        foreach (var (key, image) in secondary)
        {
            if (!authoritative.ContainsKey(key))
            {
                differences.Add(new RowDifference(key, DifferenceKind.Extra, [], isIgnored(image.ClrType, "*")));
            }
        }

        return differences;
    }

    /// <summary>Compares two images of the same row; <see langword="null"/> when they hold the same data.</summary>
    public RowDifference? Compare(RowImage authoritative, RowImage secondary)
    {
        var entityType = authoritative.EntityTypeName;
        var clrType = authoritative.ClrType;
        var properties = new List<PropertyDifference>();
        foreach (var path in authoritative.Values.Keys.Union(secondary.Values.Keys).Order(StringComparer.Ordinal))
        {
            if (authoritative.Unknown.Contains(path) || secondary.Unknown.Contains(path))
            {
                continue;
            }

            var hasA = authoritative.Values.TryGetValue(path, out var a);
            var hasB = secondary.Values.TryGetValue(path, out var b);
            var property = hasA ? a.Property : b.Property;
            var same = hasA && hasB
                && (custom?.Invoke(new PropertyComparison(entityType, path, a.Value, b.Value)) ?? CanonicalValue.AreEqual(property, a.Value, b.Value));
            if (!same)
            {
                properties.Add(new PropertyDifference(path, hasA ? a.Value : null, hasB ? b.Value : null, isIgnored(clrType, path) || isIgnored(clrType, "*")));
            }
        }

        return properties.Count == 0 ? null : new RowDifference(null!, DifferenceKind.Different, properties, properties.All(p => p.Ignored));
    }
}
