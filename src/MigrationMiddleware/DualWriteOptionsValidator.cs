using Microsoft.Extensions.Options;

namespace MigrationMiddleware;

/// <summary>Validates <see cref="DualWriteOptions"/>, reporting every problem in one message.</summary>
internal sealed class DualWriteOptionsValidator : IValidateOptions<DualWriteOptions>
{
    public ValidateOptionsResult Validate(string? name, DualWriteOptions options)
    {
        var failures = new List<string>();
        var prefix = $"Migration '{name}': ";

        if (options.FeatureFlagName is { } flag && (flag.Trim().Length == 0 || flag.Contains(':', StringComparison.Ordinal)))
        {
            failures.Add(prefix + "FeatureFlagName must be non-empty and must not contain ':'.");
        }

        if (!Enum.IsDefined(options.DefaultPhase))
        {
            failures.Add(prefix + $"DefaultPhase '{options.DefaultPhase}' is not a phase.");
        }

        if (!Enum.IsDefined(options.WriteMode))
        {
            failures.Add(prefix + $"WriteMode '{options.WriteMode}' is not a write mode.");
        }

        RequirePositive(failures, prefix, nameof(options.PhaseRefreshInterval), options.PhaseRefreshInterval);
        RequirePositive(failures, prefix, nameof(options.SecondaryWriteTimeout), options.SecondaryWriteTimeout);
        RequirePositive(failures, prefix, nameof(options.ShutdownDrainTimeout), options.ShutdownDrainTimeout);
        RequirePositive(failures, prefix, nameof(options.AuthoritySwitchDrainTimeout), options.AuthoritySwitchDrainTimeout);
        RequirePositive(failures, prefix, nameof(options.IntentRelayInterval), options.IntentRelayInterval);
        RequirePositive(failures, prefix, nameof(options.IntentRelayAfter), options.IntentRelayAfter);
        RequirePositive(failures, prefix, nameof(options.IntentRelayMaxDelay), options.IntentRelayMaxDelay);
        if (string.IsNullOrWhiteSpace(options.IntentTableName) || options.IntentTableName.Length > 50 || !options.IntentTableName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            failures.Add(prefix + $"IntentTableName must be 1 to 50 letters, digits or underscores (was '{options.IntentTableName}').");
        }

        if (options.SecondaryWriteAttempts < 1)
        {
            failures.Add(prefix + $"SecondaryWriteAttempts must be at least 1 (was {options.SecondaryWriteAttempts}).");
        }

        if (options.DeferredQueueCapacity < 1)
        {
            failures.Add(prefix + $"DeferredQueueCapacity must be at least 1 (was {options.DeferredQueueCapacity}).");
        }

        if (options.DeferredBatchSize < 1)
        {
            failures.Add(prefix + $"DeferredBatchSize must be at least 1 (was {options.DeferredBatchSize}).");
        }
        else if (options.DeferredBatchSize > options.DeferredQueueCapacity)
        {
            failures.Add(prefix + $"DeferredBatchSize ({options.DeferredBatchSize}) must not exceed DeferredQueueCapacity ({options.DeferredQueueCapacity}).");
        }

        if (options.GeneratedKeyGap < 0)
        {
            failures.Add(prefix + $"GeneratedKeyGap must not be negative (was {options.GeneratedKeyGap}).");
        }

        if (options.MaxPendingRepairsForAuthoritySwitch < 0)
        {
            failures.Add(prefix + $"MaxPendingRepairsForAuthoritySwitch must not be negative (was {options.MaxPendingRepairsForAuthoritySwitch}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(List<string> failures, string prefix, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            failures.Add(prefix + $"{option} must be a positive, finite duration (was {value}).");
        }
    }
}
