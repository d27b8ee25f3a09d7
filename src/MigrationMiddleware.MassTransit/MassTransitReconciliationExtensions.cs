using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MigrationMiddleware.Reconciliation;

namespace MigrationMiddleware;

/// <summary>Adds reconciliation over MassTransit.</summary>
public static class MassTransitReconciliationExtensions
{
    /// <summary>
    /// Sends the migrations' repair requests through MassTransit instead of keeping them in process. Register the bus yourself
    /// with <c>services.AddMassTransit(...)</c> (RabbitMQ in production, the in-memory transport embedded); add the consumer
    /// where repairs should run with <see cref="AddMigrationRepairConsumer"/>.
    /// </summary>
    /// <param name="builder">A migration's builder.</param>
    /// <param name="configure">Configures the queue, concurrency, prefetch and retry.</param>
    /// <returns>The builder.</returns>
    public static IDualWriteBuilder AddMassTransitReconciliation(this IDualWriteBuilder builder, Action<MassTransitReconciliationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MassTransitReconciliationOptions>().Configure(configure ?? (_ => { })).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MassTransitReconciliationOptions>, MassTransitReconciliationOptionsValidator>());
        if (!services.Any(d => d.ServiceType == typeof(MassTransitReconciliationSink)))
        {
            services.RemoveAll<IReconciliationSink>();
            services.AddSingleton<MassTransitReconciliationSink>();
            services.AddSingleton<IReconciliationSink>(sp => sp.GetRequiredService<MassTransitReconciliationSink>());
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MassTransitReconciliationSink>());
        }

        return builder;
    }

    /// <summary>
    /// Adds the consumer that repairs rows, on the endpoint described by <see cref="RepairEntityConsumerDefinition"/>. Call
    /// <c>ConfigureEndpoints</c> on the transport to create it. Any number of instances can consume the same queue.
    /// </summary>
    /// <param name="configurator">The bus registration.</param>
    /// <returns>The configurator.</returns>
    public static IRegistrationConfigurator AddMigrationRepairConsumer(this IRegistrationConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.AddConsumer<RepairEntityConsumer, RepairEntityConsumerDefinition>();
        return configurator;
    }
}
