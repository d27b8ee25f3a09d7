using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware.SecondaryWrites;

/// <summary>A change on its way to the secondary store: the aggregate's key, and the durable intent that records it, if any.</summary>
internal readonly record struct PendingWrite(EntityKey Key, string? IntentId);
