using System.Diagnostics;
using Xunit.Sdk;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Stops and starts the local RabbitMQ application with rabbitmqctl: a real broker outage.</summary>
public static class RabbitMqControl
{
    public static Task StopAppAsync() => RunAsync("stop_app");

    public static async Task StartAppAsync()
    {
        await RunAsync("start_app");
        await RunAsync("await_startup", "--timeout", "60");
    }

    /// <summary>Creates a virtual host the guest user may use; returns its name.</summary>
    public static async Task<string> AddVirtualHostAsync()
    {
        var name = "mmtest-" + Guid.NewGuid().ToString("N")[..10];
        await RunAsync("add_vhost", name);
        await RunAsync("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
        return name;
    }

    public static Task DeleteVirtualHostAsync(string name) => RunAsync("delete_vhost", name);

    private static async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new XunitException($"rabbitmqctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
        }
    }
}
