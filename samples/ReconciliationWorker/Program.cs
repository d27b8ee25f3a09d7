// The reconciliation worker: consumes repair requests from RabbitMQ and makes each row in the target store equal to the
// authoritative store. Run any number of instances against the same queue. Configure it with appsettings.json, environment
// variables (Stores__Old__ConnectionString, RabbitMq__Host, ...) or command-line arguments; it must read the same phase flag as
// the service, so point it at the same configuration source for feature_management.
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FeatureManagement;
using MigrationMiddleware;
using ShopSample;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var configuration = builder.Configuration;
var rabbit = configuration.GetSection("RabbitMq");
if (string.IsNullOrWhiteSpace(rabbit["Host"]))
{
    throw new InvalidOperationException("RabbitMq:Host is not set: the worker consumes repairs from RabbitMQ.");
}

builder.Services.AddDbContext<ShopContext>(o => StoreConfiguration.Use(o, configuration.GetSection("Stores:Old"), AppContext.BaseDirectory));
builder.Services.AddFeatureManagement();
builder.Services
    .AddDualWrite<ShopContext>(
        configuration["Migration:Name"] ?? "shop",
        (_, o) => StoreConfiguration.Use(o, configuration.GetSection("Stores:New"), AppContext.BaseDirectory))
    .AddMassTransitReconciliation(o => configuration.GetSection("Reconciliation").Bind(o));
// The host reports itself started only once the bus is connected and its queue bound.
builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
builder.Services.AddMassTransit(bus =>
{
    bus.AddMigrationRepairConsumer();
    bus.UsingRabbitMq((context, transport) =>
    {
        transport.Host(rabbit["Host"], rabbit["VirtualHost"] ?? "/", h =>
        {
            h.Username(rabbit["Username"] ?? "guest");
            h.Password(rabbit["Password"] ?? "guest");
        });
        transport.ConfigureEndpoints(context);
    });
});

await builder.Build().RunAsync();
