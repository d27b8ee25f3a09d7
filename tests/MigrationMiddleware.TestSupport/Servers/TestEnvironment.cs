namespace MigrationMiddleware.TestSupport.Servers;

/// <summary>Where the real servers are: environment variables, with the loopback defaults test.sh sets up.</summary>
public static class TestEnvironment
{
    public static string PostgresHost => Get("MM_PG_HOST", "127.0.0.1");

    public static int PostgresPort => int.Parse(Get("MM_PG_PORT", "5432"), System.Globalization.CultureInfo.InvariantCulture);

    public static string PostgresUser => Get("MM_PG_USER", "postgres");

    public static string PostgresPassword => Get("MM_PG_PASSWORD", "postgres");

    public static string RabbitMqHost => Get("MM_RABBITMQ_HOST", "127.0.0.1");

    public static string PostgresConnectionString(string database, string? host = null, int? port = null) =>
        $"Host={host ?? PostgresHost};Port={port ?? PostgresPort};Username={PostgresUser};Password={PostgresPassword};Database={database};"
        + "Maximum Pool Size=30;Timeout=5;Command Timeout=30;SSL Mode=Disable";

    private static string Get(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
