using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace MigrationMiddleware.Internal;

/// <summary>Argument guards used at the top of public members.</summary>
internal static class Check
{
    public static T NotNull<T>([NotNull] T? value, [CallerArgumentExpression(nameof(value))] string? parameterName = null)
    {
        if (value is null)
        {
            throw new ArgumentNullException(parameterName);
        }

        return value;
    }

    public static string NotEmpty([NotNull] string? value, [CallerArgumentExpression(nameof(value))] string? parameterName = null)
    {
        if (value is null)
        {
            throw new ArgumentNullException(parameterName);
        }

        if (value.Trim().Length == 0)
        {
            throw new ArgumentException("The value must not be empty or whitespace.", parameterName);
        }

        return value;
    }
}
