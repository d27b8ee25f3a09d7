using System.Reflection;
using System.Text;
using Xunit;

namespace MigrationMiddleware.Tests;

/// <summary>
/// The public surface, listed by reflection and compared with the checked-in baseline: a change to the public API is a
/// deliberate edit of a PublicApi/*.txt baseline, never an accident.
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData(typeof(DualWriteOptions))]
    [InlineData(typeof(MassTransitReconciliationExtensions))]
    public void The_public_surface_matches_the_baseline(Type typeInAssembly)
    {
        var assembly = typeInAssembly.Assembly;
        var name = assembly.GetName().Name!;
        var actual = Describe(assembly);
        var baselinePath = Path.Combine(AppContext.BaseDirectory, "PublicApi", name + ".txt");
        var expected = File.Exists(baselinePath) ? File.ReadAllText(baselinePath).ReplaceLineEndings("\n") : string.Empty;
        if (expected != actual)
        {
            var actualPath = Path.Combine(AppContext.BaseDirectory, "PublicApi", name + ".actual.txt");
            File.WriteAllText(actualPath, actual);
            var added = actual.Split('\n').Except(expected.Split('\n'));
            var removed = expected.Split('\n').Except(actual.Split('\n'));
            Assert.Fail($"The public API of {name} changed. Review {actualPath} and copy it over tests/MigrationMiddleware.Tests/PublicApi/{name}.txt."
                + $"\nAdded:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}");
        }
    }

    private static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";
            var bases = new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(Enum) && b != typeof(ValueType))
                .Concat(type.GetInterfaces()).Select(b => b!.ToString());
            lines.Add($"{kind} {type}{(bases.Any() ? " : " + string.Join(", ", bases.Order(StringComparer.Ordinal)) : string.Empty)}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                if (member is MethodInfo { IsSpecialName: true } || (type.IsEnum && member.Name == "value__"))
                {
                    continue;
                }

                lines.Add($"{type}::{member.MemberType} {member}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
