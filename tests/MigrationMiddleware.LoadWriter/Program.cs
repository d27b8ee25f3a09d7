// Writes the shop workload through the middleware in DualWrite, with durable intents, publishing repairs to RabbitMQ.
// Configured by environment: MM_OLD, MM_NEW (PostgreSQL connection strings), MM_RABBITMQ_HOST, MM_PREFIX (exchange prefix),
// MM_QUEUE, MM_WRITERS, MM_OPERATIONS (per writer; 0 runs until killed), MM_SEED. Prints "progress N" lines, then "done N".
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MigrationMiddleware;
using MigrationMiddleware.TestSupport;

static string Setting(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException(name + " is not set.");

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["feature_management:feature_flags:0:id"] = "MigrationPhase.shop",
    ["feature_management:feature_flags:0:enabled"] = "true",
    ["feature_management:feature_flags:0:variants:0:name"] = "DualWrite",
    ["feature_management:feature_flags:0:allocation:default_when_enabled"] = "DualWrite",
});
builder.Services.AddDbContext<ShopDb>(o => o.UseNpgsql(Setting("MM_OLD")));
builder.Services
    .AddDualWrite<ShopDb>("shop", (_, o) => o.UseNpgsql(Setting("MM_NEW")), o =>
    {
        o.IntentRelayAfter = TimeSpan.FromSeconds(2);
        o.IntentRelayInterval = TimeSpan.FromSeconds(1);
        o.IntentRelayMaxDelay = TimeSpan.FromSeconds(5);
    })
    .AddMassTransitReconciliation(o => o.QueueName = Setting("MM_QUEUE"));
builder.Services.AddMassTransit(x => x.UsingRabbitMq((context, rabbit) =>
{
    rabbit.Host(Setting("MM_RABBITMQ_HOST"), "/", h =>
    {
        h.Username("guest");
        h.Password("guest");
    });
    rabbit.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(rabbit.MessageTopology.EntityNameFormatter, Setting("MM_PREFIX")));
}));
builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);

using var host = builder.Build();
await host.StartAsync();

var workload = new ShopWorkload();
var seed = int.Parse(Setting("MM_SEED"), System.Globalization.CultureInfo.InvariantCulture);
var writers = int.Parse(Setting("MM_WRITERS"), System.Globalization.CultureInfo.InvariantCulture);
var operations = int.Parse(Setting("MM_OPERATIONS"), System.Globalization.CultureInfo.InvariantCulture);
for (var i = 0; i < 5; i++)
{
    await using var scope = host.Services.CreateAsyncScope();
    await workload.SeedAsync(scope.ServiceProvider.GetRequiredService<ShopDb>(), $"Seed{seed}-{i}");
}

var done = 0;
var conflicts = 0;
await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
{
    var random = new Random((seed * 100) + writer);
    for (var op = 0; operations == 0 || op < operations; op++)
    {
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            await workload.OperateAsync(scope.ServiceProvider.GetRequiredService<ShopDb>(), random, $"s{seed}w{writer}o{op}");
        }
        catch (Exception ex) when (ShopWorkload.IsConflict(ex))
        {
            Interlocked.Increment(ref conflicts);
        }

        if (Interlocked.Increment(ref done) % 50 == 0)
        {
            Console.WriteLine($"progress {Volatile.Read(ref done)}");
        }
    }
})));

Console.WriteLine($"done {done} {conflicts}");
await host.StopAsync();
