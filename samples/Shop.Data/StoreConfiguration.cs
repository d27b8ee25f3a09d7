using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace ShopSample;

/// <summary>Points a context at a store described in configuration: <c>Provider</c> (Sqlite or Npgsql) and <c>ConnectionString</c>.</summary>
public static class StoreConfiguration
{
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder options, IConfigurationSection store, string baseDirectory)
    {
        var connectionString = store["ConnectionString"]
            ?? throw new InvalidOperationException($"{store.Path}:ConnectionString is not set.");
        return store["Provider"] switch
        {
            // Relative SQLite files live beside the program, wherever it is started from.
            "Sqlite" => options.UseSqlite(new SqliteConnectionStringBuilder(connectionString)
            {
                DataSource = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource, baseDirectory),
            }.ToString()),
            "Npgsql" => options.UseNpgsql(connectionString),
            var other => throw new InvalidOperationException($"Unknown provider '{other}' in {store.Path}; use Sqlite or Npgsql."),
        };
    }
}
