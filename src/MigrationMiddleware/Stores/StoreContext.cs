using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Stores;

/// <summary>A context of the library's own, bound to one store, with the DI scope it was resolved from.</summary>
internal sealed class StoreContext(AsyncServiceScope scope, DbContext context, StoreRole store) : IAsyncDisposable, IDisposable
{
    public DbContext Context { get; } = context;

    public StoreRole Store { get; } = store;

    public ValueTask DisposeAsync() => scope.DisposeAsync();

    public void Dispose() => ((IDisposable)scope).Dispose();
}
