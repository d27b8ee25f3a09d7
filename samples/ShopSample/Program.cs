// The sample shop walks itself through every phase of a migration, writing through its ordinary EF Core code, and prints what
// each store holds after each phase. By default both stores are SQLite files; point them elsewhere with configuration, e.g.
//   dotnet run --project samples/ShopSample -- --Stores:New:Provider=Npgsql --Stores:New:ConnectionString="Host=...;Database=shop"
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FeatureManagement;
using MigrationMiddleware;
using MigrationMiddleware.Phases;
using ShopSample;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The last configuration layer stands in for the operator who edits the flag while the service runs.
var operatorSettings = new MemoryConfigurationSource();
((IConfigurationBuilder)builder.Configuration).Add(operatorSettings);

// ---- The service's existing registration, unchanged: this is the old store. ----
builder.Services.AddDbContext<ShopContext>(o => UseStore(o, builder.Configuration.GetSection("Stores:Old")));
builder.Services.AddScoped<OrderService>();

// ---- The middleware: a few lines. The phase comes from the feature flag "MigrationPhase.shop". ----
builder.Services.AddFeatureManagement();
builder.Services
    .AddDualWrite<ShopContext>("shop", (_, o) => UseStore(o, builder.Configuration.GetSection("Stores:New")))
    .AddMassTransitReconciliation();

// Failed secondary writes are repaired through MassTransit: in memory by default, RabbitMQ when Reconciliation:Transport says so.
// The host reports itself started only once the bus is connected and its queue bound.
builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
builder.Services.AddMassTransit(bus =>
{
    bus.AddMigrationRepairConsumer();
    if (builder.Configuration["Reconciliation:Transport"] == "RabbitMq")
    {
        var rabbit = builder.Configuration.GetSection("RabbitMq");
        bus.UsingRabbitMq((context, transport) =>
        {
            transport.Host(rabbit["Host"], rabbit["VirtualHost"] ?? "/", h =>
            {
                h.Username(rabbit["Username"] ?? "guest");
                h.Password(rabbit["Password"] ?? "guest");
            });
            transport.ConfigureEndpoints(context);
        });
    }
    else
    {
        bus.UsingInMemory((context, transport) => transport.ConfigureEndpoints(context));
    }
});

using var host = builder.Build();
await CreateEmptyStoresAsync(builder.Configuration);
await host.StartAsync();

var monitor = host.Services.GetRequiredService<IMigrationMonitor>();
var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
var flagEditor = configuration.Providers.OfType<MemoryConfigurationProvider>().Last();
var cancelled = 0;

foreach (var phase in Enum.GetValues<MigrationPhase>())
{
    await SwitchAsync(phase);
    await using (var scope = host.Services.CreateAsyncScope())
    {
        var shop = scope.ServiceProvider.GetRequiredService<OrderService>();
        var order = await shop.PlaceOrderAsync($"Customer of {phase}", ("SKU-1", 1, 9.99m), ("SKU-2", 2, 4.50m));
        await shop.PlaceOrderAsync("Regular", ("SKU-3", 1, 20m));
        if (phase == MigrationPhase.ShadowRead)
        {
            await shop.RenameAsync("Customer of OldOnly", "Renamed in ShadowRead");
        }

        if (phase == MigrationPhase.Cutover)
        {
            await shop.CancelOrderAsync(order.Id);
            cancelled = order.Id;
        }

        Console.WriteLine($"{phase,-10} the service sees {await shop.CountCustomersAsync()} customer(s) (read from the {PhaseRouting.ReadStore(phase).ToString().ToLowerInvariant()} store)");
    }

    await PrintStoreAsync("old", builder.Configuration.GetSection("Stores:Old"));
    await PrintStoreAsync("new", builder.Configuration.GetSection("Stores:New"));
}

Console.WriteLine();
Console.WriteLine($"Order {cancelled} was cancelled in Cutover: gone from both stores. Rows written in OldOnly reached the new store only when");
Console.WriteLine("a later write touched them (the rename pulled the customer, an order pulled its parent); copying the rest is backfill's job.");
Console.WriteLine("Rows written in NewOnly exist in the new store only: the old store is retired.");
await host.StopAsync();

async Task SwitchAsync(MigrationPhase phase)
{
    var switched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    void OnChanged(object? sender, MigrationPhaseChangedEventArgs e)
    {
        if (e.Phase == phase)
        {
            switched.TrySetResult();
        }
    }

    monitor.PhaseChanged += OnChanged;
    flagEditor.Set("feature_management:feature_flags:0:allocation:default_when_enabled", phase.ToString());
    configuration.Reload();
    if (monitor.GetPhase("shop") != phase)
    {
        await switched.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    monitor.PhaseChanged -= OnChanged;
    Console.WriteLine();
    Console.WriteLine($"== {phase}: reads from the {PhaseRouting.ReadStore(phase)} store; writes go to {string.Join(", then ", PhaseRouting.WriteOrder(phase))}");
}

static DbContextOptionsBuilder UseStore(DbContextOptionsBuilder options, IConfigurationSection store) =>
    StoreConfiguration.Use(options, store, AppContext.BaseDirectory);

static async Task CreateEmptyStoresAsync(IConfiguration configuration)
{
    foreach (var name in new[] { "Old", "New" })
    {
        await using var db = new ShopContext(UseStore(new DbContextOptionsBuilder<ShopContext>(), configuration.GetSection("Stores:" + name)).Options as DbContextOptions<ShopContext>
            ?? throw new InvalidOperationException());
        await db.Database.EnsureDeletedAsync();
        await db.Database.EnsureCreatedAsync();
    }
}

static async Task PrintStoreAsync(string label, IConfigurationSection store)
{
    await using var db = new ShopContext((DbContextOptions<ShopContext>)UseStore(new DbContextOptionsBuilder<ShopContext>(), store).Options);
    var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => $"{c.Id}:{c.Name}").ToListAsync();
    var orders = await db.Orders.AsNoTracking().OrderBy(o => o.Id).Select(o => o.Id).ToListAsync();
    var lines = await db.OrderLines.CountAsync();
    Console.WriteLine($"           {label} store: customers [{string.Join(", ", customers)}]; orders [{string.Join(", ", orders)}]; {lines} order line(s)");
}
