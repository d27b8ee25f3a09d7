using Microsoft.EntityFrameworkCore;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.TestSupport.Servers;

namespace MigrationMiddleware.Benchmarks;

/// <summary>Two databases on the loopback PostgreSQL server, the old and the new store, with the shop schema.</summary>
public sealed class BenchmarkStores : IAsyncDisposable
{
    private BenchmarkStores(string oldDatabase, string newDatabase)
    {
        OldDatabase = oldDatabase;
        NewDatabase = newDatabase;
    }

    public string OldDatabase { get; }

    public string NewDatabase { get; }

    public string Old => TestEnvironment.PostgresConnectionString(OldDatabase) + ";Maximum Pool Size=60";

    public string New => TestEnvironment.PostgresConnectionString(NewDatabase) + ";Maximum Pool Size=60";

    public static async Task<BenchmarkStores> CreateAsync()
    {
        var stores = new BenchmarkStores(await PostgresServer.CreateDatabaseAsync("bench_old"), await PostgresServer.CreateDatabaseAsync("bench_new"));
        foreach (var connection in new[] { stores.Old, stores.New })
        {
            await using var db = Open(connection);
            await db.Database.EnsureCreatedAsync();
        }

        return stores;
    }

    internal static ShopDb Open(string connectionString) => new(new DbContextOptionsBuilder<ShopDb>().UseNpgsql(connectionString).Options);

    /// <summary>Empties both stores (and their intent tables), so every run starts from the same state.</summary>
    public Task ResetAsync() => Task.WhenAll(ResetAsync(Old), ResetAsync(New));

    public async ValueTask DisposeAsync()
    {
        await PostgresServer.DropDatabaseAsync(OldDatabase);
        await PostgresServer.DropDatabaseAsync(NewDatabase);
    }

    private static async Task ResetAsync(string connectionString)
    {
        await using var db = Open(connectionString);
        await db.Database.ExecuteSqlRawAsync(
            "TRUNCATE \"OrderLines\", \"OrderNote\", \"Orders\", \"Customers\", \"Measurements\" RESTART IDENTITY CASCADE; "
            + "DO $$ BEGIN IF to_regclass('mm_write_intents') IS NOT NULL THEN TRUNCATE mm_write_intents; END IF; END $$;");
    }
}
