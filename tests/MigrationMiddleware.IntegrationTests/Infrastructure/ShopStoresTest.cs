using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>
/// Base of the tests that run once per store pair (SQLite to PostgreSQL, PostgreSQL to PostgreSQL). Each test gets its own two
/// databases with the shop schema, dropped when it ends.
/// </summary>
public abstract class ShopStoresTest(StoreKind oldKind, bool newThroughProxy = false) : IAsyncLifetime
{
    protected TestStore Old { get; private set; } = null!;

    protected TestStore New { get; private set; } = null!;

    protected List<MigrationTestHost> Hosts { get; } = [];

    public virtual async Task InitializeAsync()
    {
        Old = await TestStore.CreateAsync(oldKind, "old");
        New = await TestStore.CreateAsync(StoreKind.Postgres, "new", newThroughProxy);
        await Old.CreateSchemaAsync<ShopDb>(o => new ShopDb(o));
        await New.CreateSchemaAsync<ShopDb>(o => new ShopDb(o));
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            host.Logs.DumpIfRequested(GetType().Name);
            await host.DisposeAsync();
        }

        await Old.DisposeAsync();
        await New.DisposeAsync();
    }

    /// <summary>Starts a host whose <see cref="ShopDb"/> is migrated from <see cref="Old"/> to <see cref="New"/>.</summary>
    protected async Task<MigrationTestHost> StartShopAsync(
        MigrationPhase phase,
        Action<DualWriteOptions>? options = null,
        Action<IDualWriteBuilder>? builder = null,
        Action<IServiceCollection>? services = null,
        string migrationName = "shop")
    {
        var host = await MigrationTestHost.StartAsync(
            phase,
            (s, commands) =>
            {
                s.AddDbContext<ShopDb>(o => Old.Configure(o).AddInterceptors(commands.For("old")));
                var migration = s.AddDualWrite<ShopDb>(migrationName, (_, o) => New.Configure(o).AddInterceptors(commands.For("new")), options);
                builder?.Invoke(migration);
                services?.Invoke(s);
            },
            migrationName);
        Hosts.Add(host);
        return host;
    }

    protected ShopDb OpenOld() => Old.Open<ShopDb>(o => new ShopDb(o));

    protected ShopDb OpenNew() => New.Open<ShopDb>(o => new ShopDb(o));

    protected async Task<List<string>> SnapshotAsync(TestStore store)
    {
        await using var db = store.Open<ShopDb>(o => new ShopDb(o));
        return await ShopSnapshot.CaptureAsync(db);
    }

    /// <summary>Asserts both stores hold exactly the same rows, and returns them.</summary>
    protected async Task<List<string>> AssertStoresEqualAsync()
    {
        var old = await SnapshotAsync(Old);
        var @new = await SnapshotAsync(New);
        Assert.Equal(old, @new);
        return old;
    }

    protected static Customer NewCustomer(string name) => ShopWorkload.NewCustomer(name);

    protected static async Task<int> CountAsync<T>(ShopDb db)
        where T : class => await db.Set<T>().CountAsync();
}
