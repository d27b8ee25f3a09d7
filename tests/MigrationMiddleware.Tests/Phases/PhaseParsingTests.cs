using MigrationMiddleware.Phases;
using Xunit;

namespace MigrationMiddleware.Tests.Phases;

public sealed class PhaseParsingTests
{
    [Theory]
    [InlineData("OldOnly", MigrationPhase.OldOnly)]
    [InlineData("dualwrite", MigrationPhase.DualWrite)]
    [InlineData("SHADOWREAD", MigrationPhase.ShadowRead)]
    [InlineData("Cutover", MigrationPhase.Cutover)]
    [InlineData("NewOnly", MigrationPhase.NewOnly)]
    public void Variant_names_are_phases_regardless_of_case(string value, MigrationPhase expected)
    {
        Assert.True(PhaseMonitor.TryParsePhase(value, out var phase));
        Assert.Equal(expected, phase);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("-1")]
    [InlineData("Cutover ")]
    [InlineData("Cutover,NewOnly")]
    [InlineData("Shadow")]
    public void Anything_else_is_not_a_phase(string? value) =>
        Assert.False(PhaseMonitor.TryParsePhase(value, out _));
}
