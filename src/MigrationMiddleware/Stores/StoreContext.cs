using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Stores;

/// <summary>
/// A context of the library's own, bound to one store, with the DI scope it was resolved from. Disposing it gives it back to
/// its pool (or disposes it when the pool is full).
/// </summary>
internal sealed class StoreContext(AsyncServiceScope scope, DbContext context, StoreRole store, StoreContextPool? pool) : IAsyncDisposable, IDisposable
{
    public DbContext Context { get; } = context;

    public StoreRole Store { get; } = store;

    public ValueTask DisposeAsync() => pool?.Return(this) == true ? ValueTask.CompletedTask : DisposeScopeAsync();

    public void Dispose()
    {
        if (pool?.Return(this) != true)
        {
            ((IDisposable)scope).Dispose();
        }
    }

    public ValueTask DisposeScopeAsync() => scope.DisposeAsync();
}
