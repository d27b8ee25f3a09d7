using Microsoft.Extensions.Options;

namespace MigrationMiddleware.Reconciliation;

/// <summary>Validates <see cref="MassTransitReconciliationOptions"/>, reporting every problem in one message.</summary>
internal sealed class MassTransitReconciliationOptionsValidator : IValidateOptions<MassTransitReconciliationOptions>
{
    public ValidateOptionsResult Validate(string? name, MassTransitReconciliationOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.QueueName))
        {
            failures.Add("QueueName must not be empty.");
        }

        if (options.ConcurrentMessageLimit < 1)
        {
            failures.Add($"ConcurrentMessageLimit must be at least 1 (was {options.ConcurrentMessageLimit}).");
        }

        if (options.PrefetchCount < 1)
        {
            failures.Add($"PrefetchCount must be at least 1 (was {options.PrefetchCount}).");
        }

        if (options.RetryLimit < 0)
        {
            failures.Add($"RetryLimit must not be negative (was {options.RetryLimit}).");
        }

        foreach (var (option, value) in new[]
        {
            (nameof(options.RetryMinInterval), options.RetryMinInterval),
            (nameof(options.RetryMaxInterval), options.RetryMaxInterval),
            (nameof(options.RetryIntervalDelta), options.RetryIntervalDelta),
            (nameof(options.PublishTimeout), options.PublishTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{option} must be positive (was {value}).");
            }
        }

        if (options.RetryMaxInterval < options.RetryMinInterval)
        {
            failures.Add($"RetryMaxInterval ({options.RetryMaxInterval}) must not be less than RetryMinInterval ({options.RetryMinInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
