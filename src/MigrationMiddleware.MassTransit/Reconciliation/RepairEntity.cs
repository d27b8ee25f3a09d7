using MassTransit;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// Version 1 of the message "make this row in that store equal to the authoritative store". Its URN is fixed
/// (<c>urn:message:MigrationMiddleware:RepairEntity:v1</c>), independent of the CLR type's name; an incompatible change gets a
/// new type with a new URN, and consumers handle both while both are in flight.
/// </summary>
[MessageUrn("MigrationMiddleware:RepairEntity:v1")]
public sealed record RepairEntity
{
    /// <summary>Gets the migration the row belongs to.</summary>
    public required string MigrationName { get; init; }

    /// <summary>Gets the entity type name from the old store's EF model. Resolved only against the migration's models.</summary>
    public required string EntityType { get; init; }

    /// <summary>Gets the primary key values as invariant text, in key order; their types come from the EF model.</summary>
    public required IReadOnlyList<string?> KeyValues { get; init; }

    /// <summary>Gets the store to repair.</summary>
    public required StoreRole TargetStore { get; init; }

    /// <summary>Gets why the repair is needed.</summary>
    public required RepairReason Reason { get; init; }

    /// <summary>Gets when the change first failed to reach the target store.</summary>
    public required DateTimeOffset FirstFailedAt { get; init; }

    /// <summary>Gets the durable write intent the repair completes, if any.</summary>
    public string? IntentId { get; init; }

    /// <summary>Gets a short description of the failure (never row values).</summary>
    public string? Detail { get; init; }
}
