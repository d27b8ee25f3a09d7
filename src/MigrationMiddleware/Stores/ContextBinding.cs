using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Stores;

/// <summary>How one context instance takes part in one migration: the store it talks to and the phase pinned for its unit of work.</summary>
internal sealed record ContextBinding(MigrationRuntime Runtime, StoreRole Store, PhaseSnapshot Pin);
