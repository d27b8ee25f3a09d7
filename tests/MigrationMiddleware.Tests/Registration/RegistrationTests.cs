using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace MigrationMiddleware.Tests.Registration;

public sealed class RegistrationTests
{
    private const string Memory = "Data Source=:memory:";

    [Fact]
    public void The_context_must_be_registered_first()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<InvalidOperationException>(() => services.AddDualWrite<UnitDb>(o => o.UseSqlite(Memory)));
        Assert.Equal("UnitDb is not registered. Call services.AddDbContext<UnitDb>(...) before AddDualWrite.", error.Message);
    }

    [Fact]
    public void Pooled_contexts_and_context_factories_are_refused_with_the_reason()
    {
        var pooled = new ServiceCollection().AddDbContextPool<UnitDb>(o => o.UseSqlite(Memory));
        Assert.Contains("Pooled contexts keep their options for their whole life", Assert.Throws<NotSupportedException>(() => pooled.AddDualWrite<UnitDb>(o => o.UseSqlite(Memory))).Message, StringComparison.Ordinal);

        var factory = new ServiceCollection().AddDbContextFactory<UnitDb>(o => o.UseSqlite(Memory));
        Assert.Contains("register UnitDb with AddDbContext instead", Assert.Throws<NotSupportedException>(() => factory.AddDualWrite<UnitDb>(o => o.UseSqlite(Memory))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migration_names_are_unique_and_usable_in_flag_names()
    {
        var services = new ServiceCollection().AddDbContext<UnitDb>(o => o.UseSqlite(Memory)).AddDbContext<OtherDb>(o => o.UseSqlite(Memory));
        services.AddDualWrite<UnitDb>("shop", (_, o) => o.UseSqlite(Memory));
        Assert.Equal("A migration named 'shop' is already registered.", Assert.Throws<InvalidOperationException>(() => services.AddDualWrite<OtherDb>("shop", (_, o) => o.UseSqlite(Memory))).Message);
        Assert.Throws<ArgumentException>(() => services.AddDualWrite<OtherDb>("a:b", (_, o) => o.UseSqlite(Memory)));
        Assert.Throws<ArgumentException>(() => services.AddDualWrite<OtherDb>(" ", (_, o) => o.UseSqlite(Memory)));
    }

    [Fact]
    public void A_context_that_switches_stores_belongs_to_one_migration()
    {
        var services = new ServiceCollection().AddDbContext<UnitDb>(o => o.UseSqlite(Memory)).AddDbContext<OtherDb>(o => o.UseSqlite(Memory));
        services.AddDualWrite<UnitDb>("first", (_, o) => o.UseSqlite(Memory));
        var error = Assert.Throws<InvalidOperationException>(() => services.AddDualWrite<UnitDb, OtherDb>("second"));
        Assert.Contains("switches stores for migration 'first'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_applies_only_to_migrations_with_two_context_types()
    {
        var services = new ServiceCollection().AddDbContext<UnitDb>(o => o.UseSqlite(Memory));
        var builder = services.AddDualWrite<UnitDb>("shop", (_, o) => o.UseSqlite(Memory));
        Assert.Throws<InvalidOperationException>(() => builder.MapEntity<Item, Item>(i => i, i => i));
        Assert.Throws<ArgumentException>(() => services.AddDualWrite<UnitDb, UnitDb>("same"));
    }

    [Fact]
    public async Task A_mapping_that_does_not_fit_the_models_fails_start_up_listing_every_problem()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddDbContext<UnitDb>(o => o.UseSqlite(Memory)).AddDbContext<OtherDb>(o => o.UseSqlite(Memory));
        builder.Services.AddDualWrite<UnitDb, OtherDb>("mapped")
            .MapEntity<Item, NotAnEntity>(i => new NotAnEntity { Id = i.Id }, n => new Item { Id = n.Id })
            .MapEntity<NotAnEntity, Product>(n => new Product { Id = n.Id }, p => new NotAnEntity { Id = p.Id });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Equal(
            string.Join(Environment.NewLine, "Migration 'mapped' cannot be set up:", "- 'NotAnEntity' is not an entity type of OtherDb.", "- 'NotAnEntity' is not an entity type of UnitDb."),
            error.Message);
    }
}
