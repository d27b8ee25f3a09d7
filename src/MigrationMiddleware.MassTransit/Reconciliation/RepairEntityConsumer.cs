using MassTransit;

namespace MigrationMiddleware.Reconciliation;

/// <summary>Repairs one row per message, by state, through the same machinery as the write path.</summary>
public sealed class RepairEntityConsumer : IConsumer<RepairEntity>
{
    private readonly RepairExecutor _executor;

    /// <summary>Initializes a new instance of the <see cref="RepairEntityConsumer"/> class.</summary>
    /// <param name="services">The service provider the migrations are registered in.</param>
    public RepairEntityConsumer(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _executor = (RepairExecutor)services.GetService(typeof(RepairExecutor))!
            ?? throw new InvalidOperationException("Register a migration with AddDualWrite before adding the repair consumer.");
    }

    /// <inheritdoc />
    public Task Consume(ConsumeContext<RepairEntity> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        return _executor.RepairAsync(message.MigrationName, message.EntityType, message.KeyValues ?? [], message.TargetStore, message.IntentId, context.CancellationToken);
    }
}
