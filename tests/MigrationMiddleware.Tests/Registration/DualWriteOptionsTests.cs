using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MigrationMiddleware.Phases;
using MigrationMiddleware.SecondaryWrites;
using Xunit;

namespace MigrationMiddleware.Tests.Registration;

public sealed class DualWriteOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new DualWriteOptions();
        Assert.Null(options.FeatureFlagName);
        Assert.Equal("MigrationPhase.shop", options.ResolveFeatureFlagName("shop"));
        Assert.Equal(MigrationPhase.OldOnly, options.DefaultPhase);
        Assert.Equal(TimeSpan.FromSeconds(5), options.PhaseRefreshInterval);
        Assert.Equal(SecondaryWriteMode.Inline, options.WriteMode);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SecondaryWriteTimeout);
        Assert.Equal(3, options.SecondaryWriteAttempts);
        Assert.Equal(10_000, options.DeferredQueueCapacity);
        Assert.Equal(128, options.DeferredBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownDrainTimeout);
        Assert.True(options.PrepareGeneratedKeys);
        Assert.Equal(1_000, options.GeneratedKeyGap);
        Assert.Equal(0, options.MaxPendingRepairsForAuthoritySwitch);
        Assert.Equal(TimeSpan.FromSeconds(30), options.AuthoritySwitchDrainTimeout);
        Assert.True(new DualWriteOptionsValidator().Validate("shop", options).Succeeded);
    }

    [Fact]
    public async Task Invalid_options_fail_start_up_with_every_problem_in_one_message()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddDbContext<UnitDb>(o => o.UseSqlite("Data Source=:memory:"));
        builder.Services.AddDualWrite<UnitDb>("shop", (_, o) => o.UseSqlite("Data Source=:memory:"), o =>
        {
            o.FeatureFlagName = "Phase:shop";
            o.DefaultPhase = (MigrationPhase)9;
            o.WriteMode = (SecondaryWriteMode)7;
            o.PhaseRefreshInterval = TimeSpan.Zero;
            o.SecondaryWriteTimeout = Timeout.InfiniteTimeSpan;
            o.SecondaryWriteAttempts = 0;
            o.DeferredQueueCapacity = 10;
            o.DeferredBatchSize = 20;
            o.GeneratedKeyGap = -1;
            o.MaxPendingRepairsForAuthoritySwitch = -5;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            "Migration 'shop': FeatureFlagName must be non-empty and must not contain ':'.; "
            + "Migration 'shop': DefaultPhase '9' is not a phase.; "
            + "Migration 'shop': WriteMode '7' is not a write mode.; "
            + "Migration 'shop': PhaseRefreshInterval must be a positive, finite duration (was 00:00:00).; "
            + "Migration 'shop': SecondaryWriteTimeout must be a positive, finite duration (was -00:00:00.0010000).; "
            + "Migration 'shop': SecondaryWriteAttempts must be at least 1 (was 0).; "
            + "Migration 'shop': DeferredBatchSize (20) must not exceed DeferredQueueCapacity (10).; "
            + "Migration 'shop': GeneratedKeyGap must not be negative (was -1).; "
            + "Migration 'shop': MaxPendingRepairsForAuthoritySwitch must not be negative (was -5).",
            error.Message);
    }
}
