using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Telemetry;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Phases;

/// <summary>How the phase flag is read and followed. Store-independent, so it runs on one pair (SQLite to PostgreSQL).</summary>
public sealed class PhaseFlagTests() : ShopStoresTest(StoreKind.Sqlite)
{
    [Fact]
    public async Task Editing_appsettings_json_switches_the_phase_without_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("mm-settings-");
        var file = Path.Combine(folder.FullName, "appsettings.json");
        try
        {
            await WriteSettingsAsync(file, MigrationPhase.DualWrite);
            var host = await MigrationTestHost.StartAsync(
                MigrationPhase.OldOnly,
                (s, commands) =>
                {
                    s.AddDbContext<ShopDb>(o => Old.Configure(o).AddInterceptors(commands.For("old")));
                    s.AddDualWrite<ShopDb>("shop", (_, o) => New.Configure(o).AddInterceptors(commands.For("new")));
                },
                configure: c => c.AddJsonFile(file, optional: false, reloadOnChange: true));
            Hosts.Add(host);
            Assert.Equal(MigrationPhase.DualWrite, host.Monitor.GetPhase("shop"));

            var changed = new TaskCompletionSource<MigrationPhaseChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            host.Monitor.PhaseChanged += (_, e) => changed.TrySetResult(e);
            await WriteSettingsAsync(file, MigrationPhase.ShadowRead);
            var change = await changed.Task.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(("shop", MigrationPhase.DualWrite, MigrationPhase.ShadowRead), (change.MigrationName, change.PreviousPhase, change.Phase));
            Assert.Equal(MigrationPhase.ShadowRead, host.Monitor.GetPhase("shop"));
            Assert.Contains(host.Logs.WithEventId(MigrationEventIds.PhaseChanged), r => r.Message.Contains("ShadowRead (was DualWrite)", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_unit_of_work_keeps_the_phase_it_started_with()
    {
        var host = await StartShopAsync(MigrationPhase.ShadowRead);
        await using var before = host.CreateScope();
        var early = before.ServiceProvider.GetRequiredService<ShopDb>();
        Assert.Empty(await early.Customers.ToListAsync());

        await host.SetPhaseAsync(MigrationPhase.Cutover);
        host.Commands.Clear();

        // The scope that began in ShadowRead still reads the old store and writes it first.
        early.Customers.Add(NewCustomer("Pinned"));
        await early.SaveChangesAsync();
        Assert.Equal("old", host.Commands.Writes[0].Store);
        Assert.Contains(host.Commands.Writes, w => w.Store == "new");

        host.Commands.Clear();
        await using var after = host.CreateScope();
        var late = after.ServiceProvider.GetRequiredService<ShopDb>();
        Assert.Single(await late.Customers.ToListAsync());
        Assert.Equal(["new"], host.Commands.StoresRead);
    }

    [Theory]
    [InlineData("Sideways", true, "the variant 'Sideways'")]
    [InlineData("3", true, "the variant '3'")]
    [InlineData("Sideways", false, "no variant (it is disabled without default_when_disabled, missing, or allocates a variant it does not define)")]
    public async Task An_invalid_flag_value_keeps_the_last_valid_phase_and_logs_an_error(string value, bool defineVariant, string described)
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite);
        if (defineVariant)
        {
            host.Configuration["feature_management:feature_flags:0:variants:5:name"] = value;
        }

        host.Configuration[PhaseFlags.VariantKey()] = value;
        host.Configuration.Reload();

        Assert.Equal(MigrationPhase.DualWrite, await host.Monitor.RefreshAsync("shop"));
        var error = Assert.Single(host.Logs.WithEventId(MigrationEventIds.InvalidPhaseFlag));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, error.Level);
        Assert.Contains($"gives {described}, which is not a phase", error.Message, StringComparison.Ordinal);
        Assert.Contains("DualWrite stays in effect", error.Message, StringComparison.Ordinal);

        // Requests are unaffected: they write both stores as in DualWrite.
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Customers.Add(NewCustomer("Unaffected"));
            await db.SaveChangesAsync();
        }

        Assert.Single(await AssertStoresEqualAsync());
    }

    [Fact]
    public async Task A_missing_flag_uses_the_default_phase_and_says_so()
    {
        var host = await MigrationTestHost.StartAsync(
            MigrationPhase.DualWrite,
            (s, commands) =>
            {
                s.AddDbContext<ShopDb>(o => Old.Configure(o));
                s.AddDualWrite<ShopDb>("unflagged", (_, o) => New.Configure(o));
            },
            migration: "shop");
        Hosts.Add(host);

        Assert.Equal(MigrationPhase.OldOnly, host.Monitor.GetPhase("unflagged"));
        var warning = Assert.Single(host.Logs.WithEventId(MigrationEventIds.DefaultPhaseInEffect));
        Assert.Contains("'MigrationPhase.unflagged'", warning.Message, StringComparison.Ordinal);
    }

    private static async Task WriteSettingsAsync(string file, MigrationPhase phase)
    {
        var settings = new
        {
            feature_management = new
            {
                feature_flags = new[]
                {
                    new
                    {
                        id = PhaseFlags.FlagName("shop"),
                        enabled = true,
                        variants = Enum.GetNames<MigrationPhase>().Select(name => new { name }).ToArray(),
                        allocation = new { default_when_enabled = phase.ToString() },
                    },
                },
            },
        };

        // Write to a temporary file and move it in place, so the watcher never sees a half-written file.
        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(settings));
        File.Move(temporary, file, overwrite: true);
    }
}
