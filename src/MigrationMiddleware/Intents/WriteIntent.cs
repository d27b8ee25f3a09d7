using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Intents;

/// <summary>One row of the intent table: "this aggregate changed in this store and must reach the other store".</summary>
internal sealed record WriteIntent(
    string Id,
    string Migration,
    string EntityType,
    string?[] KeyValues,
    StoreRole TargetStore,
    long CreatedAt,
    int Attempts = 0)
{
    public static string NewId() => Guid.NewGuid().ToString("N");
}
