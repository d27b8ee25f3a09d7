using MigrationMiddleware.Phases;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>The phase table as test cases: the store each phase reads from, and the stores it writes, in order.</summary>
public static class RoutingCases
{
    public static TheoryData<MigrationPhase, string, string[]> All => new()
    {
        { MigrationPhase.OldOnly, "old", ["old"] },
        { MigrationPhase.DualWrite, "old", ["old", "new"] },
        { MigrationPhase.ShadowRead, "old", ["old", "new"] },
        { MigrationPhase.Cutover, "new", ["new", "old"] },
        { MigrationPhase.NewOnly, "new", ["new"] },
    };

    /// <summary>The stores that received writes, in the order of each store's first write.</summary>
    public static string[] WriteOrder(CommandLog commands) =>
        [.. commands.Writes.GroupBy(r => r.Store).Select(g => g.First()).OrderBy(r => r.Sequence).Select(r => r.Store)];
}
