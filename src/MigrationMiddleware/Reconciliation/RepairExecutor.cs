using MigrationMiddleware.Phases;
using MigrationMiddleware.Synchronization;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// Repairs one row by state: reads it from the store that is authoritative now and makes the target equal to it (inserting,
/// overwriting or deleting), with the same apply machinery as the write path. Duplicates, reordering and stale requests therefore
/// all end in the right state. Names and keys are resolved only against the migration's EF models.
/// </summary>
internal sealed class RepairExecutor(MigrationRegistry registry) : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Migration, StoreRole Source), RepairBatcher> _batchers = new();

    /// <exception cref="InvalidRepairRequestException">The request can never succeed.</exception>
    /// <exception cref="RepairFailedException">The repair failed this time; it may succeed later.</exception>
    public async Task<RepairOutcome> RepairAsync(
        string migrationName, string entityType, IReadOnlyList<string?> keyValues, StoreRole targetStore, string? intentId, CancellationToken cancellationToken)
    {
        if (!registry.Migrations.Contains(migrationName))
        {
            throw Invalid($"no migration named '{migrationName}' is registered here (registered: {string.Join(", ", registry.Migrations)}).");
        }

        var runtime = registry.Get(migrationName);
        var entity = runtime.Entities.FindByName(entityType)
            ?? throw Invalid($"'{entityType}' is not an entity type of migration '{migrationName}'.");
        if (!Enum.IsDefined(targetStore))
        {
            throw Invalid($"'{(int)targetStore}' is not a store.");
        }

        EntityKey key;
        try
        {
            key = entity.DecodeKey(keyValues);
        }
        catch (FormatException ex)
        {
            throw Invalid($"the key of '{entityType}' is malformed: {ex.Message}", ex);
        }

        var phase = runtime.CurrentPhase.Phase;
        var authoritative = PhaseRouting.Authoritative(phase);
        var intents = intentId is null ? [] : new[] { intentId };
        if (targetStore == authoritative)
        {
            // Copying into the authoritative store could overwrite newer data with older; the switch gate normally prevents this.
            Log.RepairTargetIsAuthoritative(runtime.Logger, runtime.Name, entityType, key.ValuesText, MigrationTelemetry.StoreName(targetStore), phase);
            await runtime.Intents.CompleteNowAsync(PhaseRouting.Other(targetStore), intents, cancellationToken).ConfigureAwait(false);
            return RepairOutcome.SkippedTargetIsAuthoritative;
        }

        var batcher = _batchers.GetOrAdd((runtime.Name, authoritative), k => new RepairBatcher(runtime, k.Source));
        var error = await batcher.RepairAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
        var tags = new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name);
        if (error is not null)
        {
            MigrationTelemetry.RepairsFailed.Add(1, tags);
            throw new RepairFailedException(
                $"Migration '{runtime.Name}': repairing {entityType} {key.ValuesText} in the {MigrationTelemetry.StoreName(targetStore)} store failed; it will be tried again.",
                error);
        }

        MigrationTelemetry.RepairsApplied.Add(1, tags);
        Log.RepairApplied(runtime.Logger, runtime.Name, 1, MigrationTelemetry.StoreName(targetStore));
        await runtime.Intents.CompleteNowAsync(PhaseRouting.Other(targetStore), intents, cancellationToken).ConfigureAwait(false);
        return RepairOutcome.Repaired;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var batcher in _batchers.Values)
        {
            await batcher.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static InvalidRepairRequestException Invalid(string reason, Exception? inner = null) =>
        inner is null ? new InvalidRepairRequestException("Invalid repair request: " + reason) : new InvalidRepairRequestException("Invalid repair request: " + reason, inner);
}

/// <summary>What a repair did.</summary>
internal enum RepairOutcome
{
    Repaired,
    SkippedTargetIsAuthoritative,
}

/// <summary>A repair that failed this time (the target store is down, a constraint fails, ...) and may succeed later.</summary>
internal sealed class RepairFailedException(string message, Exception? innerException) : Exception(message, innerException);
