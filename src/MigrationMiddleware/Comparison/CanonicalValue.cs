using System.Collections;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MigrationMiddleware.Comparison;

/// <summary>
/// The one place that decides when two stored values are "the same data", whichever engine stored them. Used by shadow reads and
/// by verification. The rules follow what engines do to a value on the way in and out:
/// <list type="bullet">
/// <item>Date and time values keep microseconds (PostgreSQL's precision; .NET has 100 ns ticks): finer digits are dropped.</item>
/// <item><see cref="DateTime"/> compares by its wall-clock value; <see cref="DateTimeKind"/> is not data (SQLite returns
/// Unspecified, PostgreSQL Utc for the same stored value). Local values are converted to UTC first.</item>
/// <item><see cref="DateTimeOffset"/> compares by instant: PostgreSQL stores no offset, SQLite keeps the one written.</item>
/// <item>Decimals compare by value, not scale (10.5 equals 10.50).</item>
/// <item>Byte arrays compare by content. Strings compare ordinally (unicode included, no normalization, no trimming).</item>
/// </list>
/// </summary>
public static class CanonicalValue
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMicrosecond;

    /// <summary>Returns the canonical form of a value.</summary>
    /// <param name="value">A value as read from a store.</param>
    /// <returns>The value with engine-specific differences removed.</returns>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        DateTime dateTime => Truncate(dateTime.Kind == DateTimeKind.Local ? dateTime.ToUniversalTime() : dateTime),
        DateTimeOffset offset => new DateTimeOffset(offset.UtcTicks - (offset.UtcTicks % TicksPerMicrosecond), TimeSpan.Zero),
        TimeSpan span => new TimeSpan(span.Ticks - (span.Ticks % TicksPerMicrosecond)),
        TimeOnly time => new TimeOnly(time.Ticks - (time.Ticks % TicksPerMicrosecond)),
        _ => value,
    };

    /// <summary>Gets whether two values read from different stores hold the same data.</summary>
    /// <param name="property">The property they belong to, whose custom value comparer is honored.</param>
    /// <param name="left">One value.</param>
    /// <param name="right">The other value.</param>
    /// <returns><see langword="true"/> when the values are the same data.</returns>
    public static bool AreEqual(IReadOnlyProperty? property, object? left, object? right)
    {
        var a = Normalize(left);
        var b = Normalize(right);
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a is byte[] || b is byte[])
        {
            return StructuralComparisons.StructuralEqualityComparer.Equals(a, b);
        }

        if (a.Equals(b))
        {
            return true;
        }

        // A property's own comparer (for a custom CLR type) may know better than Equals.
        return property?.GetValueComparer() is { } comparer && comparer.Type.IsInstanceOfType(a) && comparer.Equals(a, b);
    }

    /// <summary>Formats a canonical value for logs (only when value logging is enabled).</summary>
    /// <param name="value">A value.</param>
    /// <returns>Its invariant text.</returns>
    public static string Format(object? value) => Normalize(value) switch
    {
        null => "null",
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        string text => "'" + text + "'",
        DateTime dateTime => dateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset offset => offset.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => other.ToString() ?? string.Empty,
    };

    private static DateTime Truncate(DateTime value) =>
        new(value.Ticks - (value.Ticks % TicksPerMicrosecond), DateTimeKind.Unspecified);
}
