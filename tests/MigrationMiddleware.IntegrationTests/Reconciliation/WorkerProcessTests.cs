using MassTransit;
using Microsoft.EntityFrameworkCore;
using MigrationMiddleware.TestSupport.Servers;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using ShopSample;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Reconciliation;

/// <summary>The standalone worker of samples/ReconciliationWorker, deployed twice on its own RabbitMQ virtual host.</summary>
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private TestStore _old = null!;
    private TestStore _new = null!;
    private string _virtualHost = null!;

    public async Task InitializeAsync()
    {
        _old = await TestStore.CreateAsync(StoreKind.Postgres, "old");
        _new = await TestStore.CreateAsync(StoreKind.Postgres, "new");
        await _old.CreateSchemaAsync<ShopContext>(o => new ShopContext(o));
        await _new.CreateSchemaAsync<ShopContext>(o => new ShopContext(o));
        _virtualHost = await RabbitMqControl.AddVirtualHostAsync();
    }

    public async Task DisposeAsync()
    {
        await RabbitMqControl.DeleteVirtualHostAsync(_virtualHost);
        await _old.DisposeAsync();
        await _new.DisposeAsync();
    }

    [Fact]
    public async Task Two_worker_processes_compete_for_the_queue_and_repair_every_row()
    {
        var ids = new List<int>();
        await using (var db = _old.Open<ShopContext>(o => new ShopContext(o)))
        {
            for (var i = 0; i < 60; i++)
            {
                var customer = new Customer { Name = "Worker" + i };
                db.Customers.Add(customer);
                await db.SaveChangesAsync();
                ids.Add(customer.Id);
            }
        }

        var environment = new Dictionary<string, string>
        {
            ["Stores__Old__Provider"] = "Npgsql",
            ["Stores__Old__ConnectionString"] = _old.DirectConnectionString,
            ["Stores__New__Provider"] = "Npgsql",
            ["Stores__New__ConnectionString"] = _new.DirectConnectionString,
            ["RabbitMq__Host"] = TestEnvironment.RabbitMqHost,
            ["RabbitMq__VirtualHost"] = _virtualHost,
            ["Reconciliation__PrefetchCount"] = "1",
            ["Reconciliation__ConcurrentMessageLimit"] = "1",
            ["Logging__LogLevel__MigrationMiddleware"] = "Debug",
            ["Logging__Console__FormatterName"] = "simple",
        };

        using var first = ChildProcess.Start("ReconciliationWorker", environment);
        using var second = ChildProcess.Start("ReconciliationWorker", environment);
        await Eventually.HoldsAsync(
            () => Task.FromResult(first.Count("Application started") == 1 && second.Count("Application started") == 1),
            TimeSpan.FromSeconds(90),
            "both workers started");

        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(TestEnvironment.RabbitMqHost, _virtualHost, h =>
        {
            h.Username("guest");
            h.Password("guest");
        }));
        await bus.StartAsync();
        try
        {
            await bus.PublishBatch(ids.Select(id => Repairs.ForCustomer(id, typeof(Customer).FullName!)));
        }
        finally
        {
            await bus.StopAsync();
        }

        const string Repaired = "[1202]";
        await Eventually.HoldsAsync(() => Task.FromResult(first.Count(Repaired) + second.Count(Repaired) == 60), TimeSpan.FromSeconds(90), "60 repairs logged by the workers");
        Assert.True(first.Count(Repaired) > 0 && second.Count(Repaired) > 0, $"Both workers repaired rows: {first.Count(Repaired)} and {second.Count(Repaired)}.");

        await using var oldDb = _old.Open<ShopContext>(o => new ShopContext(o));
        await using var newDb = _new.Open<ShopContext>(o => new ShopContext(o));
        Assert.Equal(
            await oldDb.Customers.OrderBy(c => c.Id).Select(c => c.Id + " " + c.Name).ToListAsync(),
            await newDb.Customers.OrderBy(c => c.Id).Select(c => c.Id + " " + c.Name).ToListAsync());
    }
}
