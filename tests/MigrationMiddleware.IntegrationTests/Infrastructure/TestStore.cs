using Microsoft.EntityFrameworkCore;
using MigrationMiddleware.TestSupport.Servers;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One real database made for one test: a SQLite file, or a uniquely named PostgreSQL database (optionally reached through a
/// <see cref="TcpProxy"/>). Deleted or dropped when the test ends.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly string? _sqliteFile;

    private TestStore(StoreKind kind, string label, string database, string? sqliteFile, TcpProxy? proxy)
    {
        Kind = kind;
        Label = label;
        Database = database;
        _sqliteFile = sqliteFile;
        Proxy = proxy;
    }

    public StoreKind Kind { get; }

    /// <summary>Gets the name command logs use for this store ("old" or "new").</summary>
    public string Label { get; }

    public string Database { get; }

    public TcpProxy? Proxy { get; }

    /// <summary>Gets the connection string the application uses (through the proxy, if any).</summary>
    public string ConnectionString => Kind == StoreKind.Sqlite
        ? $"Data Source={_sqliteFile};Default Timeout=60"
        : TestEnvironment.PostgresConnectionString(Database, Proxy is null ? null : "127.0.0.1", Proxy?.Port);

    /// <summary>Gets a connection string that bypasses the proxy, for set-up and assertions.</summary>
    public string DirectConnectionString => Kind == StoreKind.Sqlite
        ? ConnectionString
        : TestEnvironment.PostgresConnectionString(Database);

    public static async Task<TestStore> CreateAsync(StoreKind kind, string label, bool throughProxy = false)
    {
        var name = $"mm_{label}_{Guid.NewGuid():N}";
        if (kind == StoreKind.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), name + ".db");
            return new TestStore(kind, label, name, file, null);
        }

        name = await PostgresServer.CreateDatabaseAsync(label);

        TcpProxy? proxy = null;
        if (throughProxy)
        {
            proxy = new TcpProxy(TestEnvironment.PostgresHost, TestEnvironment.PostgresPort);
            proxy.Start();
        }

        return new TestStore(kind, label, name, null, proxy);
    }

    /// <summary>Points an options builder at this store.</summary>
    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, bool direct = false)
    {
        var connectionString = direct ? DirectConnectionString : ConnectionString;
        return Kind == StoreKind.Sqlite ? builder.UseSqlite(connectionString) : builder.UseNpgsql(connectionString);
    }

    /// <summary>Creates a plain context on this store, without the middleware: what the database really holds.</summary>
    public TContext Open<TContext>(Func<DbContextOptions<TContext>, TContext> create)
        where TContext : DbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        Configure(builder, direct: true);
        return create(builder.Options);
    }

    public async Task CreateSchemaAsync<TContext>(Func<DbContextOptions<TContext>, TContext> create)
        where TContext : DbContext
    {
        await using var context = Open(create);
        await context.Database.EnsureCreatedAsync();
    }

    /// <summary>Runs SQL on the store directly (bypassing the proxy).</summary>
    public async Task ExecuteAsync<TContext>(Func<DbContextOptions<TContext>, TContext> create, string sql)
        where TContext : DbContext
    {
        await using var context = Open(create);
#pragma warning disable EF1002 // test SQL written in the test itself
        await context.Database.ExecuteSqlRawAsync(sql);
#pragma warning restore EF1002
    }

    /// <summary>Counts the rows of a table on the store directly.</summary>
    public async Task<long> CountRowsAsync(string table)
    {
        await using var context = Open<Microsoft.EntityFrameworkCore.DbContext>(o => new Microsoft.EntityFrameworkCore.DbContext(o));
        var connection = context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (Kind == StoreKind.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
            {
                File.Delete(_sqliteFile + suffix);
            }

            return;
        }

        await PostgresServer.DropDatabaseAsync(Database);
    }
}
