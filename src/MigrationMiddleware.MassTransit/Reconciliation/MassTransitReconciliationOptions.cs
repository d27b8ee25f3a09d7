namespace MigrationMiddleware.Reconciliation;

/// <summary>Options of reconciliation over MassTransit. Validated at start-up; every problem is reported at once.</summary>
public sealed class MassTransitReconciliationOptions
{
    /// <summary>Gets or sets the queue repairs are consumed from; failed messages go to <c>{QueueName}_error</c>.</summary>
    /// <value>The default value is <c>migration-repairs</c>.</value>
    public string QueueName { get; set; } = "migration-repairs";

    /// <summary>
    /// Gets or sets how many repair messages one consumer instance handles at once. Concurrent messages are applied together in
    /// batches, so a higher limit means larger batches, not more database connections.
    /// </summary>
    /// <value>The default value is 128.</value>
    public int ConcurrentMessageLimit { get; set; } = 128;

    /// <summary>Gets or sets how many messages the broker sends one consumer instance ahead of its acknowledgements.</summary>
    /// <value>The default value is 256.</value>
    public int PrefetchCount { get; set; } = 256;

    /// <summary>Gets or sets how many times a failed repair is retried (exponentially spaced) before it goes to the error queue.</summary>
    /// <value>The default value is 5.</value>
    public int RetryLimit { get; set; } = 5;

    /// <summary>Gets or sets the first retry interval.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the largest retry interval.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the growth step of the retry interval.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RetryIntervalDelta { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long publishing a batch of repair requests may take before it is left to the intent relay.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
