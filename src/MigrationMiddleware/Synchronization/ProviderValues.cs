using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using MigrationMiddleware.Stores;

namespace MigrationMiddleware.Synchronization;

/// <summary>
/// Adapts values read from one engine to what the target engine accepts, for the same data. Provider-specific by nature, and
/// limited to what is needed: PostgreSQL (Npgsql) accepts only UTC <see cref="DateTime"/> values for <c>timestamp with time zone</c>,
/// only unzoned ones for <c>timestamp</c>, and only offset-zero <see cref="DateTimeOffset"/> values, while SQLite returns
/// <see cref="DateTimeKind.Unspecified"/> and keeps offsets.
/// </summary>
internal static class ProviderValues
{
    public static bool NeedsAdaptation(DbContext target) => target.Database.ProviderName == GeneratedKeyPreparer.PostgreSqlProvider;

    private const string ZonedAnnotation = "MigrationMiddleware:TimestampWithTimeZone";

    /// <summary>Gets whether a value of <paramref name="property"/> may need adapting for PostgreSQL (a date and time type).</summary>
    public static bool IsAdaptable(IProperty property) =>
        (Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType) is var type && (type == typeof(DateTime) || type == typeof(DateTimeOffset));

    /// <summary>Returns the value to write to <paramref name="property"/> of a PostgreSQL store.</summary>
    public static object? ForPostgreSql(IProperty property, object? value) => value switch
    {
        // A value without a kind is taken as UTC: it is the only kind a timestamptz column ever accepted.
        DateTime dateTime when IsZoned(property) => dateTime.Kind switch
        {
            DateTimeKind.Local => dateTime.ToUniversalTime(),
            _ => DateTime.SpecifyKind(dateTime, DateTimeKind.Utc),
        },
        DateTime dateTime => DateTime.SpecifyKind(dateTime, DateTimeKind.Unspecified),
        DateTimeOffset offset when offset.Offset != TimeSpan.Zero => offset.ToUniversalTime(),
        _ => value,
    };

    /// <summary>
    /// Adapts the values of a new, untracked instance in place. It must happen before the instance is tracked: EF compares
    /// <see cref="DateTime"/> values without their kind, so setting the adapted value on a tracked entity would change nothing.
    /// </summary>
    public static void AdaptInstance(IEntityType targetType, object instance)
    {
        foreach (var property in targetType.GetProperties())
        {
            if (property.IsShadowProperty() || !IsAdaptable(property))
            {
                continue;
            }

            var value = property.GetGetter().GetClrValue(instance);
            var adapted = ForPostgreSql(property, value);
            if (!Equals(value, adapted) || (value is DateTime before && adapted is DateTime after && before.Kind != after.Kind))
            {
                if (property.PropertyInfo is { CanWrite: true } writable)
                {
                    writable.SetValue(instance, adapted);
                }
                else
                {
                    property.FieldInfo?.SetValue(instance, adapted);
                }
            }
        }
    }

    private static bool IsZoned(IProperty property) =>
        property.GetOrAddRuntimeAnnotationValue(
            ZonedAnnotation,
            static p => p!.GetColumnType() is { } storeType
                && (storeType.StartsWith("timestamp with time zone", StringComparison.OrdinalIgnoreCase) || storeType.StartsWith("timestamptz", StringComparison.OrdinalIgnoreCase)),
            property);
}
