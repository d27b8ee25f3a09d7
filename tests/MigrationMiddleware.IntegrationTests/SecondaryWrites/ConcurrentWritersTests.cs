using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using MigrationMiddleware.SecondaryWrites;
using Xunit;
using Xunit.Abstractions;

namespace MigrationMiddleware.IntegrationTests.SecondaryWrites;

/// <summary>
/// Eight writers hammer a small set of shared customers and orders with inserts, updates and deletes. Races between their
/// secondary writes (a stale copy landing last, a child applied before its parent, a parent deleted under a child) must all end
/// with both stores holding the same rows.
/// </summary>
public abstract class ConcurrentWritersTests(StoreKind oldKind, ITestOutputHelper output) : ShopStoresTest(oldKind)
{
    private const int Writers = 8;
    private const int OperationsPerWriter = 125;

    [Theory]
    [InlineData(SecondaryWriteMode.Inline)]
    [InlineData(SecondaryWriteMode.Deferred)]
    public async Task Eight_writers_on_overlapping_keys_leave_both_stores_equal(SecondaryWriteMode mode)
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite, options: o => o.WriteMode = mode);
        var workload = new ShopWorkload();
        for (var i = 0; i < 10; i++)
        {
            await RunAsync(host, db => workload.SeedAsync(db, "Seed" + i));
        }

        var conflicts = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            for (var op = 0; op < OperationsPerWriter; op++)
            {
                try
                {
                    await RunAsync(host, db => workload.OperateAsync(db, random, $"w{writer}o{op}"));
                }
                catch (Exception ex) when (ShopWorkload.IsConflict(ex))
                {
                    // The application's own write conflicts (a row another writer deleted or changed first) fail on the
                    // primary, as they would without the middleware. They are not secondary failures.
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        Assert.True(await host.Monitor.DrainSecondaryWritesAsync("shop", TimeSpan.FromMinutes(2)));
        output.WriteLine($"{mode}: {Writers * OperationsPerWriter} operations in {started.Elapsed.TotalSeconds:0.0} s, {conflicts} primary conflicts, {host.Sink.Pending.Count} repairs pending");

        foreach (var g in host.Logs.WithEventId(1101).GroupBy(r => r.Message.Split('(').Last()))
        {
            output.WriteLine($"  {g.Count()} secondary write retries ({g.Key.TrimEnd(')', '.')})");
        }

        Assert.Empty(host.Sink.Pending);
        var rows = await AssertStoresEqualAsync();
        Assert.True(rows.Count > 10, "The run should leave rows behind.");
    }

    private static async Task RunAsync(MigrationTestHost host, Func<ShopDb, Task> operation)
    {
        await using var scope = host.CreateScope();
        await operation(scope.ServiceProvider.GetRequiredService<ShopDb>());
    }
}

public sealed class SqliteToPostgres_ConcurrentWritersTests(ITestOutputHelper output) : ConcurrentWritersTests(StoreKind.Sqlite, output);

public sealed class PostgresToPostgres_ConcurrentWritersTests(ITestOutputHelper output) : ConcurrentWritersTests(StoreKind.Postgres, output);
