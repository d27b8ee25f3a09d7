using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MigrationMiddleware.Intents;
using MigrationMiddleware.Mapping;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.SecondaryWrites;
using MigrationMiddleware.ShadowReads;
using MigrationMiddleware.Stores;
using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware;

/// <summary>Everything one named migration needs at run time. One instance per migration per service provider.</summary>
internal sealed class MigrationRuntime : IAsyncDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly Lazy<MigratedEntitySet> _entities;
    private readonly StoreContextPool _contexts;

    public MigrationRuntime(
        MigrationDefinition definition,
        DualWriteOptions options,
        ShadowReadOptions shadowReadOptions,
        IServiceScopeFactory scopes,
        IReconciliationSink sink,
        ILoggerFactory loggerFactory,
        MigrationPhaseState phase)
    {
        Definition = definition;
        Options = options;
        _scopes = scopes;
        Sink = sink;
        Phase = phase;
        Logger = loggerFactory.CreateLogger("MigrationMiddleware." + definition.Name);
        _entities = new Lazy<MigratedEntitySet>(BuildEntities, LazyThreadSafetyMode.ExecutionAndPublication);
        _contexts = new StoreContextPool(NewContext);
        Applier = new StateApplier(this);
        Writer = new SecondaryWriter(this);
        Queue = options.WriteMode == SecondaryWriteMode.Deferred ? new DeferredWriteQueue(this) : null;
        Intents = new IntentLedger(this);
        ShadowReads = new ShadowReadComparer(this, shadowReadOptions);
    }

    public string Name => Definition.Name;

    public MigrationDefinition Definition { get; }

    public DualWriteOptions Options { get; }

    public ILogger Logger { get; }

    public IReconciliationSink Sink { get; }

    public MigrationPhaseState Phase { get; }

    public PhaseSnapshot CurrentPhase => Phase.Current;

    public MigratedEntitySet Entities => _entities.Value;

    public StateApplier Applier { get; }

    public SecondaryWriter Writer { get; }

    /// <summary>Gets the deferred write queue, or <see langword="null"/> in <see cref="SecondaryWriteMode.Inline"/> mode.</summary>
    public DeferredWriteQueue? Queue { get; }

    /// <summary>Gets the shadow-read comparer of the migration.</summary>
    public ShadowReadComparer ShadowReads { get; }

    /// <summary>Gets the durable write intents (the transactional outbox) of the migration.</summary>
    public IntentLedger Intents { get; }

    /// <summary>Rents one of the library's own contexts for a store (dispose it to give it back). Its saves are never mirrored.</summary>
    public StoreContext CreateContext(StoreRole store) => _contexts.Rent(store);

    private StoreContext NewContext(StoreRole store)
    {
        var scope = _scopes.CreateAsyncScope();
        try
        {
            scope.ServiceProvider.GetRequiredService<MigrationScope>().MakeInternal(store);
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(Definition.ContextType(store));
            context.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
            return new StoreContext(scope, context, store, _contexts);
        }
        catch
        {
            ((IDisposable)scope).Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Queue is not null)
        {
            await Queue.DisposeAsync().ConfigureAwait(false);
        }

        await Intents.DisposeAsync().ConfigureAwait(false);
        await ShadowReads.DisposeAsync().ConfigureAwait(false);
        await _contexts.DisposeAsync().ConfigureAwait(false);
    }

    private MigratedEntitySet BuildEntities()
    {
        using var oldStore = CreateContext(StoreRole.Old);
        using var newStore = CreateContext(StoreRole.New);
        return MigratedEntitySet.Build(Definition, oldStore.Context.Model, newStore.Context.Model);
    }
}
