using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using MigrationMiddleware.Mapping;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Synchronization;

/// <summary>
/// Makes rows of one store equal to their current state in another, by key. This is the only code that writes a secondary store:
/// the interceptors (inline and deferred), the repository, and reconciliation all come here.
/// </summary>
/// <remarks>
/// Each attempt reads the source rows, loads the target rows, writes the difference in one SaveChanges (EF orders parents before
/// children and deletes children first), then reads the source again. Rows whose source changed meanwhile are applied again, so
/// concurrent writers, in this process or another, cannot leave a stale copy behind: the last write to the target is always
/// followed by a read that confirms it. After a failure the next attempt also pulls in missing parents and the target's orphaned
/// children, which repairs foreign key violations caused by changes applied out of order.
/// </remarks>
internal sealed class StateApplier(MigrationRuntime runtime)
{
    private const int ClosureRounds = 3;

    /// <summary>
    /// How many times rows whose source changed during the copy are copied again at once. A concurrent change is not a failure:
    /// it does not use up <see cref="DualWriteOptions.SecondaryWriteAttempts"/> and is not delayed; only a row that stays hot
    /// through all of these goes to reconciliation.
    /// </summary>
    private const int SourceChangeRetries = 10;

    public async ValueTask<ApplyResult> ApplyAsync(bool async, StoreRole source, IReadOnlyCollection<EntityKey> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return ApplyResult.Empty;
        }

        var result = await ApplyWithRetriesAsync(async, source, keys.Distinct().ToList(), runtime.Options.SecondaryWriteAttempts, cancellationToken).ConfigureAwait(false);

        // A statement-level failure (constraint, bad value) in a batch must not hold back the batch's other rows.
        if (result.Failed.Count > 1 && result.Error is DbUpdateException)
        {
            var applied = result.Applied;
            var failed = new List<EntityKey>();
            Exception? error = null;
            foreach (var key in result.Failed)
            {
                var single = await ApplyWithRetriesAsync(async, source, [key], 1, cancellationToken).ConfigureAwait(false);
                applied += single.Applied;
                failed.AddRange(single.Failed);
                error = single.Error ?? error;
            }

            result = new ApplyResult(applied, failed, error);
        }

        return result;
    }

    private async ValueTask<ApplyResult> ApplyWithRetriesAsync(bool async, StoreRole source, List<EntityKey> keys, int attempts, CancellationToken cancellationToken)
    {
        var pending = keys;
        var applied = 0;
        var expandClosure = false;
        var changeRetries = 0;
        Exception? error = null;
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; attempt <= attempts && pending.Count > 0;)
        {
            try
            {
                var unstable = await ApplyOnceAsync(async, source, pending, expandClosure, cancellationToken).ConfigureAwait(false);
                var stillPending = pending.Where(unstable.Contains).ToList();
                applied += pending.Count - stillPending.Count;
                pending = stillPending;
                error = null;
                if (pending.Count > 0)
                {
                    MigrationTelemetry.SecondaryWriteRetries.Add(1, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name));
                    Log.SecondaryWriteRetrying(runtime.Logger, runtime.Name, pending.Count, attempt, "the source changed while it was copied");
                    if (++changeRetries > SourceChangeRetries)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested || ex is not OperationCanceledException)
            {
                error = ex;
                expandClosure = true;
                MigrationTelemetry.SecondaryWriteRetries.Add(1, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name));
                Log.SecondaryWriteRetrying(runtime.Logger, runtime.Name, pending.Count, attempt, ex.GetType().Name);
                if (attempt < attempts)
                {
                    await BackoffAsync(async, attempt, cancellationToken).ConfigureAwait(false);
                }

                attempt++;
            }
        }

        MigrationTelemetry.SecondaryWriteDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name),
            new KeyValuePair<string, object?>(MigrationTelemetry.StoreTag, MigrationTelemetry.StoreName(PhaseRouting.Other(source))),
            new KeyValuePair<string, object?>(MigrationTelemetry.OutcomeTag, pending.Count == 0 ? "applied" : "failed"));
        return new ApplyResult(applied, pending, error);
    }

    private static async ValueTask BackoffAsync(bool async, int attempt, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds((25 << Math.Min(attempt, 6)) + Random.Shared.Next(25));
        if (async)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            cancellationToken.WaitHandle.WaitOne(delay);
        }
    }

    /// <summary>Applies once and returns the keys whose source rows changed while they were copied.</summary>
    private async ValueTask<HashSet<EntityKey>> ApplyOnceAsync(bool async, StoreRole source, List<EntityKey> keys, bool expandClosure, CancellationToken cancellationToken)
    {
        var target = PhaseRouting.Other(source);
        var sourceContext = runtime.CreateContext(source);
        var targetContext = runtime.CreateContext(target);
        try
        {
            var src = sourceContext.Context;
            var dst = targetContext.Context;
            var batch = new HashSet<EntityKey>(keys);
            var sourceRows = await LoadAsync(async, src, source, batch, cancellationToken).ConfigureAwait(false);
            var targetRows = await LoadAsync(async, dst, target, batch, cancellationToken).ConfigureAwait(false);
            if (expandClosure)
            {
                await ExpandClosureAsync(async, src, dst, source, batch, sourceRows, targetRows, cancellationToken).ConfigureAwait(false);
            }

            var snapshots = batch.ToDictionary(k => k, k => sourceRows.TryGetValue(k, out var row) ? AggregateSnapshot.Capture(row) : null);
            var adapt = ProviderValues.NeedsAdaptation(dst);
            foreach (var key in batch)
            {
                var entity = runtime.Entities.FindByName(key.EntityName)!;
                var existing = targetRows.GetValueOrDefault(key);
                if (sourceRows.TryGetValue(key, out var row))
                {
                    AggregateWriter.Upsert(entity, target, row, dst, existing, adapt);
                }
                else if (existing is not null)
                {
                    AggregateWriter.Remove(dst, existing);
                }
            }

            var written = async ? await dst.SaveChangesAsync(cancellationToken).ConfigureAwait(false) : dst.SaveChanges();
            MigrationTelemetry.SecondaryRowsApplied.Add(
                written,
                new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, runtime.Name),
                new KeyValuePair<string, object?>(MigrationTelemetry.StoreTag, MigrationTelemetry.StoreName(target)));

            // Read the source again: a row that changed after it was read may have been copied stale, so it is applied again.
            src.ChangeTracker.Clear();
            var current = await LoadAsync(async, src, source, batch, cancellationToken).ConfigureAwait(false);
            return batch
                .Where(k => !AggregateSnapshot.AreEqual(snapshots[k], current.TryGetValue(k, out var row) ? AggregateSnapshot.Capture(row) : null))
                .ToHashSet();
        }
        finally
        {
            if (async)
            {
                await targetContext.DisposeAsync().ConfigureAwait(false);
                await sourceContext.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                targetContext.Dispose();
                sourceContext.Dispose();
            }
        }
    }

    private ValueTask<Dictionary<EntityKey, EntityEntry>> LoadAsync(
        bool async, DbContext context, StoreRole store, IEnumerable<EntityKey> keys, CancellationToken cancellationToken) =>
        RowLoader.LoadAsync(async, runtime, context, store, keys, cancellationToken);

    private async ValueTask ExpandClosureAsync(
        bool async,
        DbContext src,
        DbContext dst,
        StoreRole source,
        HashSet<EntityKey> batch,
        Dictionary<EntityKey, EntityEntry> sourceRows,
        Dictionary<EntityKey, EntityEntry> targetRows,
        CancellationToken cancellationToken)
    {
        var target = PhaseRouting.Other(source);
        for (var round = 0; round < ClosureRounds; round++)
        {
            // Parents the source rows point at, so a child is never inserted before its parent exists in the target.
            var added = sourceRows.Values
                .SelectMany(Aggregate.Entries)
                .SelectMany(entry => PrincipalKeys(entry, source))
                .Where(batch.Add)
                .ToList();

            // Children still in the target under rows the source no longer has, so a parent is never deleted before them.
            foreach (var gone in batch.Where(k => !sourceRows.ContainsKey(k) && targetRows.ContainsKey(k)).ToList())
            {
                foreach (var dependent in await DependentKeysAsync(async, dst, target, gone, cancellationToken).ConfigureAwait(false))
                {
                    if (batch.Add(dependent))
                    {
                        added.Add(dependent);
                    }
                }
            }

            if (added.Count == 0)
            {
                return;
            }

            foreach (var (key, entry) in await LoadAsync(async, src, source, added, cancellationToken).ConfigureAwait(false))
            {
                sourceRows[key] = entry;
            }

            foreach (var (key, entry) in await LoadAsync(async, dst, target, added, cancellationToken).ConfigureAwait(false))
            {
                targetRows[key] = entry;
            }
        }
    }

    private IEnumerable<EntityKey> PrincipalKeys(EntityEntry entry, StoreRole store)
    {
        foreach (var foreignKey in entry.Metadata.GetForeignKeys())
        {
            if (foreignKey.IsOwnership || !foreignKey.PrincipalKey.IsPrimaryKey()
                || runtime.Entities.Find(store, foreignKey.PrincipalEntityType.GetRootType().Name) is not { } principal)
            {
                continue;
            }

            var values = foreignKey.Properties.Select(p => entry.Property(p.Name).CurrentValue).ToArray();
            if (values.All(v => v is not null))
            {
                yield return principal.CreateKey(values);
            }
        }
    }

    private async ValueTask<List<EntityKey>> DependentKeysAsync(bool async, DbContext context, StoreRole store, EntityKey principal, CancellationToken cancellationToken)
    {
        var keys = new List<EntityKey>();
        var principalType = EntityType(context, runtime.Entities.FindByName(principal.EntityName)!, store);
        foreach (var foreignKey in principalType.GetReferencingForeignKeys())
        {
            var dependentRoot = foreignKey.DeclaringEntityType.GetRootType();
            if (foreignKey.IsOwnership || !foreignKey.PrincipalKey.IsPrimaryKey() || foreignKey.DeclaringEntityType.IsOwned()
                || runtime.Entities.Find(store, dependentRoot.Name) is not { } dependent)
            {
                continue;
            }

            var values = KeyValues.ConvertTo(principal.Values, foreignKey.PrincipalKey);
            var loaded = await KeyQuery.LoadAsync(async, context, foreignKey.DeclaringEntityType, foreignKey.Properties, [values], cancellationToken).ConfigureAwait(false);
            keys.AddRange(loaded.Select(e => dependent.CreateKey(KeyValues.PrimaryKey(context.Entry(e)))));
        }

        return keys;
    }

    private static IEntityType EntityType(DbContext context, MigratedEntity entity, StoreRole store) => RowLoader.EntityType(context, entity, store);
}
