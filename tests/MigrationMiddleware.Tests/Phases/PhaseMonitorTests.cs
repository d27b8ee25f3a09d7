using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using MigrationMiddleware.Phases;
using Moq;
using Xunit;

namespace MigrationMiddleware.Tests.Phases;

public sealed class PhaseMonitorTests
{
    [Fact]
    public async Task A_feature_manager_that_throws_never_reaches_the_caller_and_keeps_the_last_valid_phase()
    {
        var features = new Mock<IVariantFeatureManager>();
        var services = new ServiceCollection().AddLogging().AddDbContext<UnitDb>(o => o.UseSqlite("Data Source=:memory:"));
        services.AddDualWrite<UnitDb>("shop", (_, o) => o.UseSqlite("Data Source=:memory:"));
        services.AddSingleton(features.Object);
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IMigrationMonitor>();

        SetUp(features).ThrowsAsync(new InvalidOperationException("flag store down"));
        Assert.Equal(MigrationPhase.OldOnly, await monitor.RefreshAsync("shop"));

        SetUp(features).ReturnsAsync(new Variant { Name = "DualWrite" });
        Assert.Equal(MigrationPhase.DualWrite, await monitor.RefreshAsync("shop"));

        SetUp(features).ThrowsAsync(new InvalidOperationException("flag store down again"));
        Assert.Equal(MigrationPhase.DualWrite, await monitor.RefreshAsync("shop"));
        Assert.Equal(MigrationPhase.DualWrite, monitor.GetPhase("shop"));

        // Every evaluation uses one fleet-wide targeting context, never a per-request one.
        features.Verify(f => f.GetVariantAsync("MigrationPhase.shop", It.Is<ITargetingContext>(t => t.UserId == string.Empty), It.IsAny<CancellationToken>()), Times.AtLeast(3));
    }

    private static Moq.Language.Flow.ISetup<IVariantFeatureManager, ValueTask<Variant>> SetUp(Mock<IVariantFeatureManager> features) =>
        features.Setup(f => f.GetVariantAsync(It.IsAny<string>(), It.IsAny<ITargetingContext>(), It.IsAny<CancellationToken>()));
}
