using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;
using MigrationMiddleware.Phases;
using Xunit;

namespace MigrationMiddleware.IntegrationTests.Phases;

public abstract class PhaseRoutingTests(StoreKind oldKind) : ShopStoresTest(oldKind)
{
    [Theory]
    [MemberData(nameof(RoutingCases.All), MemberType = typeof(RoutingCases))]
    public async Task Each_phase_reads_from_and_writes_to_the_stores_its_routing_names(MigrationPhase phase, string readStore, string[] writeOrder)
    {
        var host = await StartShopAsync(phase);
        host.Commands.Clear();

        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            db.Customers.Add(NewCustomer("Ada"));
            await db.SaveChangesAsync();
        }

        Assert.Equal(writeOrder, RoutingCases.WriteOrder(host.Commands));

        host.Commands.Clear();
        await using (var scope = host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
            var customers = await db.Customers.ToListAsync();
            Assert.Single(customers);
        }

        Assert.Equal([readStore], host.Commands.StoresRead);
        Assert.Equal(writeOrder.Contains("old") ? 1 : 0, await CountAsync<Customer>(OpenOld()));
        Assert.Equal(writeOrder.Contains("new") ? 1 : 0, await CountAsync<Customer>(OpenNew()));
    }
}

public sealed class SqliteToPostgres_PhaseRoutingTests() : PhaseRoutingTests(StoreKind.Sqlite);

public sealed class PostgresToPostgres_PhaseRoutingTests() : PhaseRoutingTests(StoreKind.Postgres);
