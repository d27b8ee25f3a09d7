using System.Text.Json.Serialization;

namespace MigrationMiddleware.Benchmarks;

/// <summary>One comparison of the run: the ratio measured, the goal it is judged against, and the figures behind it.</summary>
public sealed record ScenarioResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("measured_ratio")] double MeasuredRatio,
    [property: JsonPropertyName("goal")] string Goal,
    [property: JsonPropertyName("goal_met")] bool? GoalMet,
    [property: JsonPropertyName("figures")] IReadOnlyDictionary<string, object> Figures);
