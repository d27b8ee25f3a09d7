using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using MigrationMiddleware.Internal;
using MigrationMiddleware.Mapping;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.ShadowReads;
using MigrationMiddleware.Stores;

namespace MigrationMiddleware;

/// <summary>Registers migrations.</summary>
public static class DualWriteServiceCollectionExtensions
{
    /// <summary>
    /// Registers a migration of <typeparamref name="TContext"/>'s data to a new store with the same model (a move to another server
    /// or another engine). Register the context with <c>AddDbContext</c> first; its configuration there is the old store.
    /// From then on, each DI scope's <typeparamref name="TContext"/> talks to the store that is authoritative in the scope's phase.
    /// The migration is named after the context type.
    /// </summary>
    /// <typeparam name="TContext">The application's context type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="configureNewStore">Configures the provider and connection of the new store (for example <c>o =&gt; o.UseNpgsql(...)</c>).</param>
    /// <param name="configureOptions">Configures the migration's options.</param>
    /// <returns>A builder to add repositories or a reconciliation transport.</returns>
    public static IDualWriteBuilder AddDualWrite<TContext>(
        this IServiceCollection services,
        Action<DbContextOptionsBuilder> configureNewStore,
        Action<DualWriteOptions>? configureOptions = null)
        where TContext : DbContext
    {
        Check.NotNull(configureNewStore);
        return services.AddDualWrite<TContext>(typeof(TContext).Name, (_, builder) => configureNewStore(builder), configureOptions);
    }

    /// <summary>
    /// Registers a named migration of <typeparamref name="TContext"/>'s data to a new store with the same model. See
    /// <see cref="AddDualWrite{TContext}(IServiceCollection, Action{DbContextOptionsBuilder}, Action{DualWriteOptions}?)"/>.
    /// </summary>
    /// <typeparam name="TContext">The application's context type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="migrationName">The migration's name; its phase flag is <c>MigrationPhase.{name}</c> unless configured otherwise.</param>
    /// <param name="configureNewStore">Configures the new store, with access to the application's services.</param>
    /// <param name="configureOptions">Configures the migration's options.</param>
    /// <returns>A builder to add repositories or a reconciliation transport.</returns>
    public static IDualWriteBuilder AddDualWrite<TContext>(
        this IServiceCollection services,
        string migrationName,
        Action<IServiceProvider, DbContextOptionsBuilder> configureNewStore,
        Action<DualWriteOptions>? configureOptions = null)
        where TContext : DbContext
    {
        Check.NotNull(services);
        Check.NotNull(configureNewStore);
        var definition = MigrationDefinition.SharedModel(ValidName(migrationName), typeof(TContext), sp =>
        {
            var builder = new DbContextOptionsBuilder<TContext>();
            builder.UseApplicationServiceProvider(sp);
            configureNewStore(sp, builder);
            return builder.Options;
        });

        var builder = AddMigration(services, definition, configureOptions);
        ContextRegistration.Bind<TContext>(services, definition, StoreRole.Old);
        return builder;
    }

    /// <summary>
    /// Registers a named migration to a new store with a different model, reached through its own context type. Register both
    /// contexts with <c>AddDbContext</c> first, then map each moved entity type with
    /// <see cref="MapEntity{TOld, TNew}(IDualWriteBuilder, Func{TOld, TNew}, Func{TNew, TOld})"/>.
    /// Several migrations can share <typeparamref name="TOldContext"/> when they map different entity types.
    /// </summary>
    /// <typeparam name="TOldContext">The context of the old store.</typeparam>
    /// <typeparam name="TNewContext">The context of the new store.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="migrationName">The migration's name.</param>
    /// <param name="configureOptions">Configures the migration's options.</param>
    /// <returns>A builder to map entity types and add repositories or a reconciliation transport.</returns>
    public static IDualWriteBuilder AddDualWrite<TOldContext, TNewContext>(
        this IServiceCollection services,
        string migrationName,
        Action<DualWriteOptions>? configureOptions = null)
        where TOldContext : DbContext
        where TNewContext : DbContext
    {
        Check.NotNull(services);
        if (typeof(TOldContext) == typeof(TNewContext))
        {
            throw new ArgumentException(
                "The old and new context types are the same. For a move with the same model, use AddDualWrite<TContext>(configureNewStore).", nameof(services));
        }

        var definition = MigrationDefinition.SeparateModels(ValidName(migrationName), typeof(TOldContext), typeof(TNewContext));
        var builder = AddMigration(services, definition, configureOptions);
        ContextRegistration.Bind<TOldContext>(services, definition, StoreRole.Old);
        ContextRegistration.Bind<TNewContext>(services, definition, StoreRole.New);
        return builder;
    }

    /// <summary>
    /// Maps an old-model entity type to its new-model counterpart, in both directions. Mapped rows keep their primary key values;
    /// the mapping copies the rest (owned entities included) and must not set navigations to other aggregates.
    /// </summary>
    /// <typeparam name="TOld">The entity type of the old model.</typeparam>
    /// <typeparam name="TNew">The entity type of the new model.</typeparam>
    /// <param name="builder">The builder of a migration registered with two context types.</param>
    /// <param name="toNew">Creates the new-model entity from the old one.</param>
    /// <param name="toOld">Creates the old-model entity from the new one.</param>
    /// <returns>The builder.</returns>
    public static IDualWriteBuilder MapEntity<TOld, TNew>(this IDualWriteBuilder builder, Func<TOld, TNew> toNew, Func<TNew, TOld> toOld)
        where TOld : class
        where TNew : class
    {
        Check.NotNull(builder);
        Check.NotNull(toNew);
        Check.NotNull(toOld);
        var definition = DualWriteBuilder.DefinitionOf(builder);
        if (definition.SharesModel)
        {
            throw new InvalidOperationException($"Migration '{definition.Name}' uses one model for both stores; MapEntity applies to migrations registered with two context types.");
        }

        definition.AddMapping(new EntityMapping(typeof(TOld), typeof(TNew), o => toNew((TOld)o), n => toOld((TNew)n)));
        return builder;
    }

    private static DualWriteBuilder AddMigration(IServiceCollection services, MigrationDefinition definition, Action<DualWriteOptions>? configureOptions)
    {
        if (services.Any(d => d.ServiceType == typeof(MigrationDefinition) && ((MigrationDefinition)d.ImplementationInstance!).Name == definition.Name))
        {
            throw new InvalidOperationException($"A migration named '{definition.Name}' is already registered.");
        }

        AddCoreServices(services);
        services.AddSingleton(definition);
        services.AddOptions<DualWriteOptions>(definition.Name).Configure(configureOptions ?? (_ => { })).ValidateOnStart();
        services.AddOptions<ShadowReadOptions>(definition.Name).ValidateOnStart();
        return new DualWriteBuilder(services, definition);
    }

    private static void AddCoreServices(IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(IVariantFeatureManager)))
        {
            services.AddFeatureManagement();
        }

        services.TryAddSingleton<MigrationRegistry>();
        services.TryAddSingleton<IMigrationMonitor>(sp => sp.GetRequiredService<MigrationRegistry>());
        services.TryAddScoped<MigrationScope>();
        services.TryAddSingleton<RepairExecutor>();
        services.TryAddSingleton<InProcessReconciliationSink>();
        services.TryAddSingleton<IReconciliationSink>(sp => sp.GetRequiredService<InProcessReconciliationSink>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DualWriteOptions>, DualWriteOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShadowReadOptions>, ShadowReadOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MigrationHostedService>());
    }

    private static string ValidName(string migrationName)
    {
        Check.NotEmpty(migrationName);
        if (migrationName.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A migration name must not contain ':' (it is used in feature flag names).", nameof(migrationName));
        }

        return migrationName;
    }
}
