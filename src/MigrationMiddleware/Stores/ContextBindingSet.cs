using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MigrationMiddleware.Interception;
using MigrationMiddleware.Phases;
using MigrationMiddleware.ShadowReads;

namespace MigrationMiddleware.Stores;

/// <summary>
/// Replaces the application's registration of <c>DbContextOptions&lt;TContext&gt;</c>. Every options instance it builds carries the
/// dual-write interceptor and the migrations the context takes part in; when both stores share the context's model, it also
/// points the context at the store that is authoritative in the phase pinned for the DI scope.
/// </summary>
internal sealed class ContextBindingSet<TContext>(Func<IServiceProvider, object> originalOptions)
    where TContext : DbContext
{
    private readonly List<(MigrationDefinition Definition, StoreRole Role)> _entries = [];

    public void Add(MigrationDefinition definition, StoreRole role)
    {
        if (definition.SharesModel && _entries.Count > 0)
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name} already takes part in migration '{_entries[0].Definition.Name}'. A context whose instances switch stores can take part in one migration only; give each independently migrated group of entity types its own context type.");
        }

        if (_entries.Any(e => e.Definition.SharesModel))
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name} switches stores for migration '{_entries[0].Definition.Name}' and cannot take part in migration '{definition.Name}' as well.");
        }

        if (_entries.Count > 0 && _entries[0].Role != role)
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name} is the {_entries[0].Role} store's context of migration '{_entries[0].Definition.Name}' and cannot be the {role} store's context of migration '{definition.Name}'.");
        }

        _entries.Add((definition, role));
    }

    public DbContextOptions<TContext> Create(IServiceProvider services)
    {
        var registry = services.GetRequiredService<MigrationRegistry>();
        var scope = services.GetRequiredService<MigrationScope>();
        var bindings = new ContextBinding[_entries.Count];
        var store = _entries[0].Role;
        MigrationDefinition? switching = null;
        for (var i = 0; i < bindings.Length; i++)
        {
            var (definition, role) = _entries[i];
            var runtime = registry.Get(definition.Name);
            var pin = scope.Pin(runtime);
            if (definition.SharesModel)
            {
                switching = definition;
                store = scope.InternalStore ?? PhaseRouting.Authoritative(pin.Phase);
            }

            bindings[i] = new ContextBinding(runtime, definition.SharesModel ? store : role, pin);
        }

        var options = switching is not null && store == StoreRole.New
            ? (DbContextOptions<TContext>)switching.NewStoreOptions!(services)
            : (DbContextOptions<TContext>)originalOptions(services);

        var builder = new DbContextOptionsBuilder<TContext>(options);
        builder.AddInterceptors(DualWriteInterceptor.Instance);
        if (!scope.IsInternal && bindings.Any(b => b.Runtime.ShadowReads.Options.EveryRead.Count > 0))
        {
            // Only then: a materialization interceptor makes EF take a slower materialization path for every query.
            builder.AddInterceptors(EveryReadInterceptor.Instance);
        }

        if (scope.IsInternal)
        {
            // The library's own writes retry and then report through their own events; EF's error events for an attempt that
            // will be retried would only alarm.
            builder.ConfigureWarnings(w => w.Log(
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (CoreEventId.OptimisticConcurrencyException, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (RelationalEventId.CommandError, LogLevel.Debug),
                (RelationalEventId.ConnectionError, LogLevel.Debug)));
        }

        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new MigrationContextExtension(bindings, store, scope.IsInternal));
        return builder.Options;
    }
}

/// <summary>Installs a <see cref="ContextBindingSet{TContext}"/> in place of the application's options registration.</summary>
internal static class ContextRegistration
{
    public static void Bind<TContext>(IServiceCollection services, MigrationDefinition definition, StoreRole role)
        where TContext : DbContext
    {
        var set = services.FirstOrDefault(d => d.ServiceType == typeof(ContextBindingSet<TContext>))?.ImplementationInstance as ContextBindingSet<TContext>;
        if (set is null)
        {
            var contextName = typeof(TContext).Name;
            if (services.Any(d => d.ServiceType == typeof(IDbContextFactory<TContext>)))
            {
                throw new NotSupportedException(
                    $"{contextName} is registered with AddDbContextFactory or AddPooledDbContextFactory. MigrationMiddleware binds each scope's context to a store; register {contextName} with AddDbContext instead.");
            }

            if (services.Any(d => d.ServiceType.IsGenericType && d.ServiceType.Name.StartsWith("IDbContextPool", StringComparison.Ordinal) && d.ServiceType.GenericTypeArguments[0] == typeof(TContext)))
            {
                throw new NotSupportedException(
                    $"{contextName} is registered with AddDbContextPool. Pooled contexts keep their options for their whole life, so they cannot follow the phase; register {contextName} with AddDbContext instead.");
            }

            var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(DbContextOptions<TContext>) && !d.IsKeyedService)
                ?? throw new InvalidOperationException(
                    $"{contextName} is not registered. Call services.AddDbContext<{contextName}>(...) before AddDualWrite.");

            set = new ContextBindingSet<TContext>(OriginalFactory(descriptor));
            services.RemoveAll<DbContextOptions<TContext>>();
            services.AddSingleton(set);
            services.AddScoped(sp => sp.GetRequiredService<ContextBindingSet<TContext>>().Create(sp));
        }

        set.Add(definition, role);
    }

    private static Func<IServiceProvider, object> OriginalFactory(ServiceDescriptor descriptor)
    {
        if (descriptor.ImplementationFactory is { } factory)
        {
            return factory;
        }

        if (descriptor.ImplementationInstance is { } instance)
        {
            return _ => instance;
        }

        var type = descriptor.ImplementationType!;
        return sp => ActivatorUtilities.CreateInstance(sp, type);
    }
}
