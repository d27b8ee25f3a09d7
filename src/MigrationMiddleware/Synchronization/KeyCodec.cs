using System.Globalization;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MigrationMiddleware.Synchronization;

/// <summary>
/// Writes key values as invariant text and reads them back as the key properties' CLR types, for messages and intent rows.
/// The types come from the EF model, never from the text.
/// </summary>
internal static class KeyCodec
{
    public static string?[] Encode(IReadOnlyList<IProperty> properties, IReadOnlyList<object?> values)
    {
        var texts = new string?[values.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = EncodeValue(properties[i], values[i]);
        }

        return texts;
    }

    /// <exception cref="FormatException">The texts do not fit the key (count or format).</exception>
    public static object?[] Decode(IReadOnlyList<IProperty> properties, IReadOnlyList<string?> texts)
    {
        if (texts.Count != properties.Count)
        {
            throw new FormatException($"The key has {properties.Count} value(s) ({string.Join(", ", properties.Select(p => p.Name))}), not {texts.Count}.");
        }

        var values = new object?[texts.Count];
        for (var i = 0; i < values.Length; i++)
        {
            try
            {
                values[i] = DecodeValue(properties[i], texts[i]);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or InvalidCastException)
            {
                throw new FormatException($"'{texts[i]}' is not a valid value for key property '{properties[i].Name}' ({properties[i].ClrType.Name}).", ex);
            }
        }

        return values;
    }

    private static string? EncodeValue(IProperty property, object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!IsPlain(value.GetType()) && property.GetValueConverter() is { } converter)
        {
            value = converter.ConvertToProvider(value);
        }

        return value switch
        {
            null => null,
            string s => s,
            byte[] bytes => Convert.ToBase64String(bytes),
            Guid guid => guid.ToString("D"),
            DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset dto => dto.ToString("O", CultureInfo.InvariantCulture),
            Enum e => Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }

    private static object? DecodeValue(IProperty property, string? text)
    {
        if (text is null)
        {
            return null;
        }

        var clrType = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (IsPlain(clrType))
        {
            return Parse(text, clrType);
        }

        if (property.GetValueConverter() is { } converter)
        {
            return converter.ConvertFromProvider(Parse(text, Nullable.GetUnderlyingType(converter.ProviderClrType) ?? converter.ProviderClrType));
        }

        throw new FormatException($"Key property '{property.Name}' has type {clrType.Name}, which has no text form and no value converter.");
    }

    private static bool IsPlain(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid) || type == typeof(byte[])
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan);

    private static object Parse(string text, Type type) => type switch
    {
        _ when type == typeof(string) => text,
        _ when type == typeof(byte[]) => Convert.FromBase64String(text),
        _ when type == typeof(Guid) => Guid.ParseExact(text, "D"),
        _ when type == typeof(DateTime) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        _ when type == typeof(DateTimeOffset) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        _ when type == typeof(DateOnly) => DateOnly.Parse(text, CultureInfo.InvariantCulture),
        _ when type == typeof(TimeOnly) => TimeOnly.Parse(text, CultureInfo.InvariantCulture),
        _ when type == typeof(TimeSpan) => TimeSpan.Parse(text, CultureInfo.InvariantCulture),
        _ when type.IsEnum => Enum.ToObject(type, long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)),
        _ => Convert.ChangeType(text, type, CultureInfo.InvariantCulture),
    };
}
