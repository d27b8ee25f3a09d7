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
public static class ReconciliationDrain
{
    internal static async Task<List<ScenarioResult>> RunAsync(BenchmarkStores stores, BenchmarkSettings settings, TextWriter log)
    {
        await stores.ResetAsync();
        var ids = await SeedOldOnlyAsync(stores, settings.Repairs);
        var repairRates = new List<double>();
        var noopRates = new List<double>();

        // Warm-up: one drain of each consumer, not counted, so JIT compilation and connection pools are not measured.
        await ClearNewStoreAsync(stores);
        log.WriteLine($"  warm-up: repair consumer {await DrainAsync(stores, ids, noop: false),8:0.0} messages/s, no-op consumer {await DrainAsync(stores, ids, noop: true),8:0.0} messages/s");
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

    /// <summary>Drains one long backlog through the repair consumer twice (JIT warm-up, then steady state), for a profiler to sample.</summary>
    public static async Task ProfileAsync(BenchmarkStores stores, int messages, TextWriter log)
    {
        await stores.ResetAsync();
        var ids = await SeedOldOnlyAsync(stores, messages);
        log.WriteLine($"profile reconciliation, warm-up drain: {await DrainAsync(stores, ids, noop: false):0.0} repairs/s");
        await ClearNewStoreAsync(stores);
        log.WriteLine($"profile reconciliation, second drain: {await DrainAsync(stores, ids, noop: false, () => log.WriteLine("draining")):0.0} repairs/s");
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
    private static async Task<double> DrainAsync(BenchmarkStores stores, List<int> ids, bool noop, Action? draining = null)
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

        draining?.Invoke();
        var (host, counter) = await StartConsumerAsync(stores, broker, noop, ids.Count);
        await counter.Done.WaitAsync(TimeSpan.FromMinutes(10));
        await BenchmarkHost.StopAsync(host);
        return counter.Rate;
    }

    private static async Task<(IHost Host, DrainCounter Counter)> StartConsumerAsync(BenchmarkStores stores, BrokerTopology broker, bool noop, int expected = int.MaxValue)
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

                    // Observed from the start: a fast consumer drains part of the queue before the host has finished starting.
                    broker.Configure(x, consume: !noop, rabbit => rabbit.ConnectConsumeObserver(counter));
                });
            });
        return (host, counter);
    }

    /// <summary>Completes once the expected number of messages has been consumed; the rate is timed from the first to the last.</summary>
    private sealed class DrainCounter(int expected) : IConsumeObserver
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _consumed;
        private long _first;
        private long _last;

        public Task Done => _done.Task;

        public double Rate => (expected - 1) / Stopwatch.GetElapsedTime(_first, _last).TotalSeconds;

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            var now = Stopwatch.GetTimestamp();
            var consumed = Interlocked.Increment(ref _consumed);
            if (consumed == 1)
            {
                Volatile.Write(ref _first, now);
            }

            if (consumed >= expected)
            {
                Volatile.Write(ref _last, now);
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
