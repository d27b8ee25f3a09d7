using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.TestSupport.Servers;

namespace MigrationMiddleware.Benchmarks;

/// <summary>
/// How fast a backlog of repairs drains through RabbitMQ: the repair consumer (each message copies one row from the old store
/// into the new one) against a consumer of the same message that does nothing, on the same broker with the same endpoint
/// settings. Each run fills its queue first, then starts the consumer and times until the queue is empty.
/// </summary>
internal static class ReconciliationDrain
{
    public static async Task<List<ScenarioResult>> RunAsync(BenchmarkStores stores, BenchmarkSettings settings, TextWriter log)
    {
        await stores.ResetAsync();
        var ids = await SeedOldOnlyAsync(stores, settings.Repairs);
        var repairRates = new List<double>();
        var noopRates = new List<double>();
        for (var repetition = 0; repetition < settings.Repetitions; repetition++)
        {
            foreach (var noop in repetition % 2 == 0 ? new[] { false, true } : [true, false])
            {
                if (!noop)
                {
                    await ClearNewStoreAsync(stores);
                }

                var rate = await DrainAsync(stores, ids, noop);
                (noop ? noopRates : repairRates).Add(rate);
                log.WriteLine($"  reconciliation {(noop ? "no-op consumer" : "repair consumer"),-16} {rate,8:0.0} messages/s");
            }
        }

        var ratio = Statistics.Median(repairRates) / Statistics.Median(noopRates);
        var defaults = new MassTransitReconciliationOptions();
        return
        [
            new("reconciliation.drain_vs_noop", "Repairs per second through RabbitMQ, against a no-op consumer of the same message", Statistics.Round(ratio), ">= 0.5", ratio >= 0.5, new Dictionary<string, object>
            {
                ["messages_per_run"] = ids.Count,
                ["repairs_per_s_median"] = Statistics.Round(Statistics.Median(repairRates), 1),
                ["noop_per_s_median"] = Statistics.Round(Statistics.Median(noopRates), 1),
                ["repairs_per_s_runs"] = repairRates.Select(r => Statistics.Round(r, 1)).ToArray(),
                ["noop_per_s_runs"] = noopRates.Select(r => Statistics.Round(r, 1)).ToArray(),
                ["concurrent_message_limit"] = defaults.ConcurrentMessageLimit,
                ["prefetch_count"] = defaults.PrefetchCount,
            }),
        ];
    }

    private static async Task<List<int>> SeedOldOnlyAsync(BenchmarkStores stores, int count)
    {
        await using var db = BenchmarkStores.Open(stores.Old);
        var customers = Enumerable.Range(0, count).Select(i => ShopWorkload.NewCustomer("Backlog" + i)).ToList();
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync();
        return customers.ConvertAll(c => c.Id);
    }

    private static async Task ClearNewStoreAsync(BenchmarkStores stores)
    {
        await using var db = BenchmarkStores.Open(stores.New);
        await db.Database.ExecuteSqlRawAsync("TRUNCATE \"Customers\" CASCADE");
    }

    /// <summary>Creates the queue, fills it, then times a consumer host draining it.</summary>
    private static async Task<double> DrainAsync(BenchmarkStores stores, List<int> ids, bool noop)
    {
        await using var broker = new BrokerTopology();
        var setUp = await StartConsumerAsync(stores, broker, noop);
        await BenchmarkHost.StopAsync(setUp.Host);

        var publisher = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(TestEnvironment.RabbitMqHost, "/", h =>
            {
                h.Username("guest");
                h.Password("guest");
            });
            rabbit.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(rabbit.MessageTopology.EntityNameFormatter, broker.Prefix));
        });
        await publisher.StartAsync();
        await publisher.PublishBatch(ids.Select(id => new RepairEntity
        {
            MigrationName = BenchmarkHost.Migration,
            EntityType = typeof(Customer).FullName!,
            KeyValues = [id.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TargetStore = StoreRole.New,
            Reason = RepairReason.SecondaryWriteFailed,
            FirstFailedAt = DateTimeOffset.UtcNow,
        }));
        await publisher.StopAsync();

        var started = Stopwatch.GetTimestamp();
        var (host, done) = await StartConsumerAsync(stores, broker, noop, ids.Count);
        await done.WaitAsync(TimeSpan.FromMinutes(10));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await BenchmarkHost.StopAsync(host);
        return ids.Count / elapsed;
    }

    private static async Task<(IHost Host, Task Done)> StartConsumerAsync(BenchmarkStores stores, BrokerTopology broker, bool noop, int expected = int.MaxValue)
    {
        var counter = new DrainCounter(expected);
        var host = await BenchmarkHost.StartAsync(
            stores,
            MigrationPhase.DualWrite,
            migration: m => m.AddMassTransitReconciliation(o => o.QueueName = broker.QueueName),
            services: s =>
            {
                s.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
                s.AddMassTransit(x =>
                {
                    if (noop)
                    {
                        x.AddConsumer<NoopRepairConsumer, NoopRepairConsumerDefinition>();
                    }

                    broker.Configure(x, consume: !noop);
                });
                s.AddSingleton(counter);
            });
        host.Services.GetRequiredService<IBus>().ConnectConsumeObserver(counter);
        return (host, counter.Done);
    }

    /// <summary>Completes once the expected number of messages has been consumed.</summary>
    private sealed class DrainCounter(int expected) : IConsumeObserver
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _consumed;

        public Task Done => _done.Task;

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (Interlocked.Increment(ref _consumed) >= expected)
            {
                _done.TrySetResult();
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}

/// <summary>The baseline: consumes the repair message and does nothing.</summary>
public sealed class NoopRepairConsumer : IConsumer<RepairEntity>
{
    public Task Consume(ConsumeContext<RepairEntity> context) => Task.CompletedTask;
}

/// <summary>The same endpoint settings as the repair consumer's definition.</summary>
public sealed class NoopRepairConsumerDefinition : ConsumerDefinition<NoopRepairConsumer>
{
    private readonly MassTransitReconciliationOptions _options;

    public NoopRepairConsumerDefinition(IOptions<MassTransitReconciliationOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.QueueName;
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<NoopRepairConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _options.PrefetchCount;
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(_options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryIntervalDelta));
    }
}
