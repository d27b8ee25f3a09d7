using MigrationMiddleware.Phases;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Configuration keys of a migration's phase flag, in FeatureManagement's schema (a variant flag, one variant per phase).</summary>
public static class PhaseFlags
{
    public static string FlagName(string migration) => "MigrationPhase." + migration;

    public static Dictionary<string, string?> For(string migration, MigrationPhase phase, int index = 0)
    {
        var prefix = $"feature_management:feature_flags:{index}:";
        var values = new Dictionary<string, string?>
        {
            [prefix + "id"] = FlagName(migration),
            [prefix + "enabled"] = "true",
            [prefix + "allocation:default_when_enabled"] = phase.ToString(),
        };

        foreach (var (name, i) in Enum.GetNames<MigrationPhase>().Select((n, i) => (n, i)))
        {
            values[$"{prefix}variants:{i}:name"] = name;
        }

        return values;
    }

    public static string VariantKey(int index = 0) => $"feature_management:feature_flags:{index}:allocation:default_when_enabled";
}
