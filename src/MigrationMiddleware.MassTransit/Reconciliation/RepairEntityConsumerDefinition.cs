using MassTransit;
using Microsoft.Extensions.Options;

namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// Where and how repairs are consumed: the queue name, the concurrency limit, the prefetch count, and a bounded exponential
/// retry, after which a message goes to <c>&lt;queue&gt;_error</c> with its exception. Requests that can never succeed
/// (<see cref="InvalidRepairRequestException"/>) skip the retries. A row whose message ended in the error queue is still covered:
/// its durable intent is relayed again later.
/// </summary>
public sealed class RepairEntityConsumerDefinition : ConsumerDefinition<RepairEntityConsumer>
{
    private readonly MassTransitReconciliationOptions _options;

    /// <summary>Initializes a new instance of the <see cref="RepairEntityConsumerDefinition"/> class.</summary>
    /// <param name="options">The reconciliation options.</param>
    public RepairEntityConsumerDefinition(IOptions<MassTransitReconciliationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        EndpointName = _options.QueueName;
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RepairEntityConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.PrefetchCount = _options.PrefetchCount;
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Exponential(_options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryIntervalDelta);
            retry.Ignore<InvalidRepairRequestException>();
        });
    }
}
