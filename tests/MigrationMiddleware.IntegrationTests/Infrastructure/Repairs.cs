using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.TestSupport;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Shared pieces of the reconciliation tests.</summary>
public static class Repairs
{
    /// <summary>A repair request for a customer row, as a service would publish it.</summary>
    public static RepairEntity ForCustomer(int id, string entityType, StoreRole target = StoreRole.New, string? detail = null) => new()
    {
        MigrationName = "shop",
        EntityType = entityType,
        KeyValues = [id.ToString(CultureInfo.InvariantCulture)],
        TargetStore = target,
        Reason = RepairReason.SecondaryWriteFailed,
        FirstFailedAt = DateTimeOffset.UtcNow,
        Detail = detail,
    };

    /// <summary>Relays intents left behind after a second rather than thirty, so tests do not wait for production delays.</summary>
    public static void QuickRelay(DualWriteOptions options)
    {
        options.IntentRelayAfter = TimeSpan.FromSeconds(1);
        options.IntentRelayInterval = TimeSpan.FromMilliseconds(500);
        options.IntentRelayMaxDelay = TimeSpan.FromSeconds(3);
    }

    /// <summary>
    /// Runs the shop workload from several writers, each on rows of its own (so any error a caller sees could only come from the
    /// middleware), and returns how many operations threw. <paramref name="afterEach"/> sees the running total.
    /// </summary>
    public static async Task<int> RunIsolatedWritersAsync(MigrationTestHost host, int writers, int operationsPerWriter, Action<int>? afterEach = null)
    {
        var total = 0;
        var errors = 0;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            var workload = new ShopWorkload();
            var random = new Random(writer);
            for (var op = 0; op < operationsPerWriter; op++)
            {
                try
                {
                    await using var scope = host.CreateScope();
                    var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
                    await (op < 3 ? workload.SeedAsync(db, $"w{writer}seed{op}") : workload.OperateAsync(db, random, $"w{writer}o{op}"));
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }

                afterEach?.Invoke(Interlocked.Increment(ref total));
            }
        })));
        return errors;
    }
}
