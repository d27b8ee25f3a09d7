using MigrationMiddleware.Reconciliation;
using Xunit;

namespace MigrationMiddleware.Tests.Reconciliation;

public sealed class MassTransitReconciliationOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_documented()
    {
        var options = new MassTransitReconciliationOptions();
        Assert.Equal(("migration-repairs", 128, 256, 5), (options.QueueName, options.ConcurrentMessageLimit, options.PrefetchCount, options.RetryLimit));
        Assert.Equal((TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), (options.RetryMinInterval, options.RetryMaxInterval, options.RetryIntervalDelta, options.PublishTimeout));
        Assert.True(new MassTransitReconciliationOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Every_problem_is_reported_in_one_message()
    {
        var result = new MassTransitReconciliationOptionsValidator().Validate(null, new MassTransitReconciliationOptions
        {
            QueueName = " ",
            ConcurrentMessageLimit = 0,
            PrefetchCount = 0,
            RetryLimit = -1,
            RetryMinInterval = TimeSpan.FromSeconds(5),
            RetryMaxInterval = TimeSpan.FromSeconds(1),
            PublishTimeout = TimeSpan.Zero,
        });

        Assert.Equal(
            "QueueName must not be empty.; ConcurrentMessageLimit must be at least 1 (was 0).; PrefetchCount must be at least 1 (was 0).; "
            + "RetryLimit must not be negative (was -1).; PublishTimeout must be positive (was 00:00:00).; "
            + "RetryMaxInterval (00:00:01) must not be less than RetryMinInterval (00:00:05).",
            result.FailureMessage);
    }
}
