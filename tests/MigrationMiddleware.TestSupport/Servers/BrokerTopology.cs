using MassTransit;
using MigrationMiddleware.Reconciliation;
using RabbitMQ.Client;

namespace MigrationMiddleware.TestSupport.Servers;

/// <summary>
/// One test's corner of the real RabbitMQ broker: its own repair queue, and message exchanges under its own prefix, so tests
/// running in parallel never receive each other's messages. Everything it created is deleted at the end.
/// </summary>
public sealed class BrokerTopology : IAsyncDisposable
{
    public BrokerTopology()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        Prefix = $"mmtest-{id}-";
        QueueName = $"mmtest-{id}-repairs";
    }

    public string Prefix { get; }

    public string QueueName { get; }

    public string ErrorQueueName => QueueName + "_error";

    /// <summary>Puts the bus on RabbitMQ, with the test's prefix; adds the repair consumer when <paramref name="consume"/>.</summary>
    public void Configure(IBusRegistrationConfigurator bus, bool consume, Action<IRabbitMqBusFactoryConfigurator>? transport = null)
    {
        if (consume)
        {
            bus.AddMigrationRepairConsumer();
        }

        bus.UsingRabbitMq((context, rabbit) =>
        {
            rabbit.Host(TestEnvironment.RabbitMqHost, "/", h =>
            {
                h.Username("guest");
                h.Password("guest");
            });
            rabbit.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(rabbit.MessageTopology.EntityNameFormatter, Prefix));
            transport?.Invoke(rabbit);
            rabbit.ConfigureEndpoints(context);
        });
    }

    /// <summary>Reconciliation options for this test: its queue, and quick retries.</summary>
    public void Options(MassTransitReconciliationOptions options)
    {
        options.QueueName = QueueName;
        options.RetryLimit = 2;
        options.RetryMinInterval = TimeSpan.FromMilliseconds(100);
        options.RetryMaxInterval = TimeSpan.FromMilliseconds(500);
        options.RetryIntervalDelta = TimeSpan.FromMilliseconds(100);
        options.PublishTimeout = TimeSpan.FromSeconds(5);
    }

    public static Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { HostName = TestEnvironment.RabbitMqHost, UserName = "guest", Password = "guest" }.CreateConnectionAsync();

    /// <summary>Takes every message from a queue, with its headers.</summary>
    public async Task<List<BasicGetResult>> DrainQueueAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messages = new List<BasicGetResult>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var connection = await ConnectAsync();
            await using var channel = await connection.CreateChannelAsync();
            foreach (var suffix in new[] { string.Empty, "_error", "_skipped" })
            {
                await channel.QueueDeleteAsync(QueueName + suffix);
                await channel.ExchangeDeleteAsync(QueueName + suffix);
            }

            await channel.ExchangeDeleteAsync(Prefix + "MigrationMiddleware:RepairEntity:v1");
        }
        catch (Exception)
        {
            // Clean-up is best effort: a test that stopped the broker may not have restarted it yet.
        }
    }
}
