using Npgsql;

namespace MigrationMiddleware.TestSupport.Servers;

/// <summary>Creates and drops uniquely named databases on the PostgreSQL server of <see cref="TestEnvironment"/>.</summary>
public static class PostgresServer
{
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"mm_{prefix}_{Guid.NewGuid():N}";
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres"));
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync();
        return name;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres"));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
