using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.TestSupport.Servers;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.TestSupport;
using RabbitMQ.Client;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Reconciliation;

public sealed class BrokerReconciliationTests : BrokerStoresTest
{
    [Fact]
    public async Task Malformed_messages_and_unknown_entity_types_go_to_the_error_queue_with_a_readable_reason()
    {
        var host = await StartWithBrokerAsync(MigrationPhase.DualWrite, consume: true);
        var customer = NewCustomer("Missing in new");
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
        }

        await New.ExecuteAsync<ShopDb>(o => new ShopDb(o), "DELETE FROM \"Customers\"");
        await using (var connection = await BrokerTopology.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
            await channel.BasicPublishAsync(Broker.QueueName, string.Empty, false, properties, Encoding.UTF8.GetBytes("{ \"message\": this is not JSON"));
        }

        var bus = host.Services.GetRequiredService<IBus>();
        await bus.Publish(Request(customer.Id) with { EntityType = "Not.An.Entity" });
        await bus.Publish(Request(customer.Id));
        await host.Services.GetRequiredService<ConsumeCounter>().WaitForAsync(2, TimeSpan.FromSeconds(60));

        // The consumer went on to the good request after both bad ones.
        Assert.Single(await AssertStoresEqualAsync());
        List<BasicGetResult> errors = [];
        await Eventually.HoldsAsync(async () => (errors = [.. errors, .. await Broker.DrainQueueAsync(Broker.ErrorQueueName)]).Count == 2, TimeSpan.FromSeconds(30), "two messages in the error queue");
        var reasons = errors.Select(e => Header(e, "MT-Fault-Message")).ToList();
        Assert.Contains(reasons, r => r.Contains("'Not.An.Entity' is not an entity type of migration 'shop'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("JSON", StringComparison.OrdinalIgnoreCase) || r.Contains("deserializ", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Two_consumer_instances_share_the_queue_as_competing_consumers()
    {
        var service = await StartWithBrokerAsync(MigrationPhase.OldOnly, consume: false);
        var ids = new List<int>();
        await using (var scope = service.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            for (var i = 0; i < 60; i++)
            {
                var customer = NewCustomer("Competing" + i);
                db.Customers.Add(customer);
                await db.SaveChangesAsync();
                ids.Add(customer.Id);
            }
        }

        Assert.Empty(await SnapshotAsync(New));
        void OneAtATime(MassTransitReconciliationOptions o)
        {
            o.PrefetchCount = 1;
            o.ConcurrentMessageLimit = 1;
        }

        var first = await StartWithBrokerAsync(MigrationPhase.DualWrite, consume: true, reconciliation: OneAtATime);
        var second = await StartWithBrokerAsync(MigrationPhase.DualWrite, consume: true, reconciliation: OneAtATime);
        await service.Services.GetRequiredService<IBus>().PublishBatch(ids.Select(Request));

        var firstCount = first.Services.GetRequiredService<ConsumeCounter>();
        var secondCount = second.Services.GetRequiredService<ConsumeCounter>();
        await Eventually.HoldsAsync(() => Task.FromResult(firstCount.Consumed + secondCount.Consumed == 60), TimeSpan.FromSeconds(60), "60 repairs consumed");

        Assert.True(firstCount.Consumed > 0 && secondCount.Consumed > 0, $"Both instances consume: {firstCount.Consumed} and {secondCount.Consumed}.");
        Assert.Equal(60, (await AssertStoresEqualAsync()).Count);
    }

    private static RepairEntity Request(int customerId) => Repairs.ForCustomer(customerId, typeof(Customer).FullName!);

    private static string Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), _ => value?.ToString() ?? string.Empty }
            : string.Empty;
}
