using MigrationMiddleware.Phases;
using Xunit;

namespace MigrationMiddleware.Tests.Phases;

public sealed class PhaseRoutingTests
{
    [Theory]
    [InlineData(MigrationPhase.OldOnly, StoreRole.Old, false, new[] { StoreRole.Old })]
    [InlineData(MigrationPhase.DualWrite, StoreRole.Old, true, new[] { StoreRole.Old, StoreRole.New })]
    [InlineData(MigrationPhase.ShadowRead, StoreRole.Old, true, new[] { StoreRole.Old, StoreRole.New })]
    [InlineData(MigrationPhase.Cutover, StoreRole.New, true, new[] { StoreRole.New, StoreRole.Old })]
    [InlineData(MigrationPhase.NewOnly, StoreRole.New, false, new[] { StoreRole.New })]
    public void The_routing_table_matches_the_phase_table(MigrationPhase phase, StoreRole authoritative, bool writesSecondary, StoreRole[] writeOrder)
    {
        Assert.Equal(authoritative, PhaseRouting.Authoritative(phase));
        Assert.Equal(authoritative, PhaseRouting.ReadStore(phase));
        Assert.Equal(writesSecondary, PhaseRouting.WritesSecondary(phase));
        Assert.Equal(writeOrder, PhaseRouting.WriteOrder(phase));
        Assert.Equal(writesSecondary ? PhaseRouting.Other(authoritative) : null, PhaseRouting.Secondary(phase));
        Assert.Equal(authoritative, PhaseRouting.WriteOrder(phase)[0]);
    }

    [Fact]
    public void An_undefined_phase_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PhaseRouting.WriteOrder((MigrationPhase)42));
}
