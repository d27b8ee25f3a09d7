using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Repository;
using MigrationMiddleware.ShadowReads;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Repository;

public abstract class RepositoryTests(StoreKind oldKind) : ShopStoresTest(oldKind, newThroughProxy: true)
{
    [Theory]
    [MemberData(nameof(RoutingCases.All), MemberType = typeof(RoutingCases))]
    public async Task Each_phase_routes_repository_reads_and_writes(MigrationPhase phase, string readStore, string[] writeOrder)
    {
        var host = await StartShopAsync(phase, builder: b => b.AddRepositories());
        var comparisons = new ComparisonRecorder(host.Monitor);
        host.Commands.Clear();
        var customer = NewCustomer("Repo");
        await using (var scope = host.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IRepository<Customer>>().AddAsync(customer);
        }

        Assert.Equal(writeOrder, RoutingCases.WriteOrder(host.Commands));

        host.Commands.Clear();
        await using (var scope = host.CreateScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IRepository<Customer>>();
            Assert.Equal("Repo", (await repository.GetByIdAsync(customer.Id))!.Name);
            Assert.Single(await repository.ListAsync());
        }

        if (phase == MigrationPhase.ShadowRead)
        {
            // The caller's two reads come from the old store; the new store is read only by their background comparisons.
            Assert.All(await comparisons.WaitForAsync(2), c => Assert.Equal(ShadowReadOutcome.Matched, c.Outcome));
            Assert.Equal([readStore, "new"], host.Commands.StoresRead);
        }
        else
        {
            Assert.Equal([readStore], host.Commands.StoresRead);
        }
    }

    [Fact]
    public async Task Repository_updates_and_removes_reach_both_stores_and_keys_survive_cutover()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite, builder: b => b.AddRepositories());
        var first = NewCustomer("First");
        var second = NewCustomer("Second");
        await using (var scope = host.CreateScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IRepository<Customer>>();
            await repository.AddAsync(first);
            await repository.AddAsync(second);
            first.Email = "first@changed.test";
            await repository.UpdateAsync(first);
        }

        await host.SetPhaseAsync(MigrationPhase.Cutover);
        var third = NewCustomer("Third");
        await using (var scope = host.CreateScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IRepository<Customer>>();
            await repository.AddAsync(third);
            await repository.RemoveAsync((await repository.GetByIdAsync(second.Id))!);
        }

        Assert.True(third.Id > second.Id);
        var rows = await AssertStoresEqualAsync();
        Assert.Equal(["First", "Third"], rows.Select(r => r.Split(' ')[2]));
        Assert.Contains(rows, r => r.Contains("first@changed.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_secondary_refuses_connections_repository_writes_succeed_and_the_sink_gets_the_key()
    {
        var host = await StartShopAsync(MigrationPhase.DualWrite, builder: b => b.AddRepositories());
        New.Proxy!.Refuse();
        var customer = NewCustomer("Refused");
        await using (var scope = host.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IRepository<Customer>>().AddAsync(customer);
        }

        Assert.Single(await SnapshotAsync(Old));
        var request = Assert.Single(host.Sink.Pending);
        Assert.Equal((typeof(Customer).FullName, customer.Id), (request.EntityType, (int)request.KeyValues[0]!));

        New.Proxy.Start();
        await host.Sink.RepairAsync();
        await AssertStoresEqualAsync();
    }
}

public sealed class SqliteToPostgres_RepositoryTests() : RepositoryTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_RepositoryTests() : RepositoryTests(StoreKind.Postgres);
