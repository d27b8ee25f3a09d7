using MigrationMiddleware.ShadowReads;
using Xunit;

namespace MigrationMiddleware.Tests.ShadowReads;

public sealed class ShadowReadOptionsTests
{
    [Fact]
    public void Defaults_compare_every_read_with_four_slots()
    {
        var options = new ShadowReadOptions();
        Assert.Equal((1.0, 4, 1_000, false, false, false), (options.SampleRate, options.MaxConcurrentComparisons, options.EntityQueueCapacity, options.CompareInCutover, options.LogValues, options.RepairMismatches));
        Assert.Equal((3, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(15)), (options.RecheckAttempts, options.RecheckDelay, options.ComparisonTimeout));
        Assert.True(new ShadowReadOptionsValidator().Validate("shop", options).Succeeded);
    }

    [Fact]
    public void Every_problem_is_reported_in_one_message()
    {
        var result = new ShadowReadOptionsValidator().Validate("shop", new ShadowReadOptions
        {
            SampleRate = 1.5,
            MaxConcurrentComparisons = 0,
            EntityQueueCapacity = 0,
            RecheckAttempts = 0,
            RecheckDelay = TimeSpan.FromSeconds(-1),
            ComparisonTimeout = TimeSpan.Zero,
        });

        Assert.Equal(
            "Migration 'shop' shadow reads: SampleRate must be between 0 and 1 (was 1.5).; "
            + "Migration 'shop' shadow reads: MaxConcurrentComparisons must be at least 1 (was 0).; "
            + "Migration 'shop' shadow reads: EntityQueueCapacity must be at least 1 (was 0).; "
            + "Migration 'shop' shadow reads: RecheckAttempts must be at least 1 (was 0).; "
            + "Migration 'shop' shadow reads: RecheckDelay must not be negative (was -00:00:01).; "
            + "Migration 'shop' shadow reads: ComparisonTimeout must be positive (was 00:00:00).",
            result.FailureMessage);
    }

    [Fact]
    public void Ignore_rules_name_an_entity_type_and_a_path()
    {
        var options = new ShadowReadOptions().Ignore<Item>("Name").IgnoreEntityType<Product>();
        Assert.True(options.IsIgnored(typeof(Item), "Name"));
        Assert.False(options.IsIgnored(typeof(Item), "Id"));
        Assert.True(options.IsIgnored(typeof(Product), "*"));
    }
}
