using System.Collections.Concurrent;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Stores;

/// <summary>
/// Keeps the library's own contexts for reuse, per store. Building a context (a DI scope, its options, EF's scoped services) costs
/// more than most of the work it does here; a returned context is cleared of tracked entities and handed out again.
/// </summary>
internal sealed class StoreContextPool(Func<StoreRole, StoreContext> create) : IAsyncDisposable
{
    private const int Retained = 16;

    private readonly ConcurrentQueue<StoreContext>[] _idle = [new(), new()];

    public StoreContext Rent(StoreRole store) =>
        _idle[(int)store].TryDequeue(out var context) ? context : create(store);

    /// <summary>Takes a context back; returns <see langword="false"/> when the caller must dispose it instead.</summary>
    public bool Return(StoreContext context)
    {
        var idle = _idle[(int)context.Store];
        if (idle.Count >= Retained || context.Context.Database.CurrentTransaction is not null)
        {
            return false;
        }

        try
        {
            context.Context.ChangeTracker.Clear();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        idle.Enqueue(context);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var idle in _idle)
        {
            while (idle.TryDequeue(out var context))
            {
                await context.DisposeScopeAsync().ConfigureAwait(false);
            }
        }
    }
}
