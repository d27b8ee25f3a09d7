using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.TestSupport.Legacy;
using MigrationMiddleware.TestSupport.Modern;
using Legacy = MigrationMiddleware.TestSupport.Legacy;
using Modern = MigrationMiddleware.TestSupport.Modern;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Repository;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Mapping;

/// <summary>The new store has its own model (table renamed, column renamed), reached through a per-entity mapping.</summary>
public abstract class MappedModelTests(StoreKind oldKind) : IAsyncLifetime
{
    private readonly List<MigrationTestHost> _hosts = [];

    private TestStore Old { get; set; } = null!;

    private TestStore New { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Old = await TestStore.CreateAsync(oldKind, "old");
        New = await TestStore.CreateAsync(StoreKind.Postgres, "new", throughProxy: true);
        await Old.CreateSchemaAsync<LegacyDb>(o => new LegacyDb(o));
        await New.CreateSchemaAsync<ModernDb>(o => new ModernDb(o));
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Old.DisposeAsync();
        await New.DisposeAsync();
    }

    [Fact]
    public async Task Before_cutover_old_model_writes_reach_the_renamed_table_and_column()
    {
        var host = await StartAsync(MigrationPhase.DualWrite);
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LegacyDb>();
            db.Customers.AddRange(
                new Legacy.Customer { Name = "Ada Lovelace", Email = "ada@example.test", Address = new Legacy.Address { City = "London" } },
                new Legacy.Customer { Name = "Alan Turing" });
            await db.SaveChangesAsync();
            var ada = await db.Customers.SingleAsync(c => c.Name == "Ada Lovelace");
            ada.Name = "Augusta Ada King";
            ada.Address!.City = "Marylebone";
            db.Customers.Remove(await db.Customers.SingleAsync(c => c.Name == "Alan Turing"));
            await db.SaveChangesAsync();
        }

        Assert.Equal(["1 Augusta Ada King ada@example.test Marylebone"], await NewRowsAsync());
        Assert.Equal(await OldRowsAsync(), await NewRowsAsync());
        Assert.Empty(host.Sink.Pending);
    }

    [Fact]
    public async Task After_cutover_new_model_writes_flow_back_to_the_old_table()
    {
        var host = await StartAsync(MigrationPhase.DualWrite);
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LegacyDb>();
            db.Customers.Add(new Legacy.Customer { Name = "Before Cutover" });
            await db.SaveChangesAsync();
        }

        await host.SetPhaseAsync(MigrationPhase.Cutover);
        host.Commands.Clear();
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ModernDb>();
            db.Customers.Add(new Modern.Customer { FullName = "Written New", Address = new Modern.Address { City = "Paris" } });
            (await db.Customers.SingleAsync(c => c.FullName == "Before Cutover")).Email = "moved@example.test";
            await db.SaveChangesAsync();
        }

        Assert.Equal("new", host.Commands.Writes[0].Store);
        Assert.Equal(["1 Before Cutover moved@example.test ", "1002 Written New  Paris"], await OldRowsAsync());
        Assert.Equal(await OldRowsAsync(), await NewRowsAsync());
    }

    [Fact]
    public async Task The_repository_of_an_old_model_entity_follows_the_phase_through_the_mapping()
    {
        var host = await StartAsync(MigrationPhase.DualWrite);
        var customer = new Legacy.Customer { Name = "Repo Before", Email = "before@example.test" };
        await using (var scope = host.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IRepository<Legacy.Customer>>().AddAsync(customer);
        }

        await host.SetPhaseAsync(MigrationPhase.Cutover);
        host.Commands.Clear();
        Legacy.Customer added;
        await using (var scope = host.CreateScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IRepository<Legacy.Customer>>();
            var loaded = await repository.GetByIdAsync(customer.Id);
            Assert.Equal("Repo Before", loaded!.Name);
            Assert.Equal(["new"], host.Commands.StoresRead);

            loaded.Email = "after@example.test";
            await repository.UpdateAsync(loaded);
            added = new Legacy.Customer { Name = "Repo After" };
            await repository.AddAsync(added);
            Assert.True(added.Id > customer.Id);

            Assert.Equal(["Repo Before", "Repo After"], (await repository.ListAsync()).Select(c => c.Name));
        }

        Assert.Equal("new", host.Commands.Writes[0].Store);
        Assert.Equal([$"{customer.Id} Repo Before after@example.test ", $"{added.Id} Repo After  "], await OldRowsAsync());
        Assert.Equal(await OldRowsAsync(), await NewRowsAsync());

        await using (var scope = host.CreateScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IRepository<Legacy.Customer>>();
            await repository.RemoveAsync((await repository.GetByIdAsync(added.Id))!);
        }

        Assert.Single(await OldRowsAsync());
        Assert.Equal(await OldRowsAsync(), await NewRowsAsync());
    }

    [Fact]
    public async Task A_failed_mapped_write_is_handed_to_reconciliation_under_the_old_model_name()
    {
        var host = await StartAsync(MigrationPhase.DualWrite);
        New.Proxy!.Refuse();
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LegacyDb>();
            db.Customers.Add(new Legacy.Customer { Name = "Unreachable" });
            await db.SaveChangesAsync();
        }

        var request = Assert.Single(host.Sink.Pending);
        Assert.Equal(typeof(Legacy.Customer).FullName, request.EntityType);
        Assert.Equal(StoreRole.New, request.TargetStore);

        New.Proxy.Start();
        await host.Sink.RepairAsync();
        Assert.Equal(["1 Unreachable  "], await NewRowsAsync());
    }

    private async Task<MigrationTestHost> StartAsync(MigrationPhase phase)
    {
        var host = await MigrationTestHost.StartAsync(phase, (services, commands) =>
        {
            services.AddDbContext<LegacyDb>(o => Old.Configure(o).AddInterceptors(commands.For("old")));
            services.AddDbContext<ModernDb>(o => New.Configure(o).AddInterceptors(commands.For("new")));
            services.AddDualWrite<LegacyDb, ModernDb>("shop")
                .MapEntity<Legacy.Customer, Modern.Customer>(CustomerMapping.ToNew, CustomerMapping.ToOld)
                .AddRepositories();
        });
        _hosts.Add(host);
        return host;
    }

    private async Task<List<string>> OldRowsAsync()
    {
        await using var db = Old.Open<LegacyDb>(o => new LegacyDb(o));
        return await CustomerMapping.OldRowsAsync(db);
    }

    private async Task<List<string>> NewRowsAsync()
    {
        await using var db = New.Open<ModernDb>(o => new ModernDb(o));
        return await CustomerMapping.NewRowsAsync(db);
    }
}

public sealed class SqliteToPostgres_MappedModelTests() : MappedModelTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_MappedModelTests() : MappedModelTests(StoreKind.Postgres);
