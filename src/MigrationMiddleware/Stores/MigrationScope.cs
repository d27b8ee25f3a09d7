using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Stores;

/// <summary>
/// Per DI scope: the phase each migration had when the scope first needed it. Every context resolved in the scope sees that
/// phase from start to end, which is what makes one unit of work see one phase.
/// </summary>
internal sealed class MigrationScope
{
    private readonly Lock _lock = new();
    private Dictionary<string, PhaseSnapshot>? _pins;

    /// <summary>Gets the store forced on contexts of this scope, set only for the library's own (internal) contexts.</summary>
    public StoreRole? InternalStore { get; private set; }

    public bool IsInternal => InternalStore is not null;

    public PhaseSnapshot Pin(MigrationRuntime runtime)
    {
        if (IsInternal)
        {
            // The library's own contexts are told their store; they must not trigger (or wait for) a read of the flag, which
            // may be the very evaluation that created them.
            return runtime.Phase.Peek;
        }

        lock (_lock)
        {
            _pins ??= new Dictionary<string, PhaseSnapshot>(StringComparer.Ordinal);
            if (!_pins.TryGetValue(runtime.Name, out var snapshot))
            {
                snapshot = runtime.CurrentPhase;
                _pins.Add(runtime.Name, snapshot);
            }

            return snapshot;
        }
    }

    public void MakeInternal(StoreRole store) => InternalStore = store;
}
