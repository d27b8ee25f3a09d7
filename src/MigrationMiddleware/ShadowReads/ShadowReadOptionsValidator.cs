using Microsoft.Extensions.Options;

namespace MigrationMiddleware.ShadowReads;

/// <summary>Validates <see cref="ShadowReadOptions"/>, reporting every problem in one message.</summary>
internal sealed class ShadowReadOptionsValidator : IValidateOptions<ShadowReadOptions>
{
    public ValidateOptionsResult Validate(string? name, ShadowReadOptions options)
    {
        var failures = new List<string>();
        var prefix = $"Migration '{name}' shadow reads: ";
        if (options.SampleRate is < 0 or > 1 || double.IsNaN(options.SampleRate))
        {
            failures.Add(prefix + $"SampleRate must be between 0 and 1 (was {options.SampleRate}).");
        }

        if (options.MaxConcurrentComparisons < 1)
        {
            failures.Add(prefix + $"MaxConcurrentComparisons must be at least 1 (was {options.MaxConcurrentComparisons}).");
        }

        if (options.EntityQueueCapacity < 1)
        {
            failures.Add(prefix + $"EntityQueueCapacity must be at least 1 (was {options.EntityQueueCapacity}).");
        }

        if (options.RecheckAttempts < 1)
        {
            failures.Add(prefix + $"RecheckAttempts must be at least 1 (was {options.RecheckAttempts}).");
        }

        if (options.RecheckDelay < TimeSpan.Zero)
        {
            failures.Add(prefix + $"RecheckDelay must not be negative (was {options.RecheckDelay}).");
        }

        if (options.ComparisonTimeout <= TimeSpan.Zero)
        {
            failures.Add(prefix + $"ComparisonTimeout must be positive (was {options.ComparisonTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
