using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// Asks for one row (one aggregate: an entity with its owned entities) to be made equal, in <see cref="TargetStore"/>,
/// to its current state in the authoritative store. Repairs are by state, so a request can be applied any number of times,
/// in any order.
/// </summary>
/// <param name="MigrationName">The name of the migration the row belongs to.</param>
/// <param name="EntityType">The entity type name from the old store's EF model (<c>IEntityType.Name</c>).</param>
/// <param name="KeyValues">The primary key values, in the order of the key's properties.</param>
/// <param name="TargetStore">The store to repair.</param>
/// <param name="Reason">Why the repair is needed.</param>
/// <param name="FirstFailedAt">When the change first failed to reach <paramref name="TargetStore"/>.</param>
/// <param name="Detail">A short description of the failure, such as the exception type. Never holds row values.</param>
/// <param name="IntentId">
/// The durable write intent that records this change in the source store, if any. Whoever completes the repair deletes it;
/// until then the intent relay submits the request again.
/// </param>
public sealed record RepairRequest(
    string MigrationName,
    string EntityType,
    IReadOnlyList<object?> KeyValues,
    StoreRole TargetStore,
    RepairReason Reason,
    DateTimeOffset FirstFailedAt,
    string? Detail = null,
    string? IntentId = null);
