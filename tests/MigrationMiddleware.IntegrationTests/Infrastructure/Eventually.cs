using Xunit.Sdk;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>
/// Waits for a condition that no single event signals (for example "no write intent is left in either store"), checking it
/// repeatedly until it holds or the deadline passes, and failing with a description of what was still not true.
/// </summary>
public static class Eventually
{
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > timeout)
            {
                throw new XunitException($"Not true after {timeout.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(100);
        }

        return started.Elapsed;
    }
}
