using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using MigrationMiddleware.Intents;
using MigrationMiddleware.Phases;
using MigrationMiddleware.SecondaryWrites;
using MigrationMiddleware.ShadowReads;
using MigrationMiddleware.Stores;
using MigrationMiddleware.Synchronization;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Interception;

/// <summary>
/// Sits on every context of a migration. Captures the keys a SaveChanges writes, and once the primary store has committed them,
/// hands them to the migration's secondary writer. Returns EF's results unchanged and never throws into the application.
/// </summary>
/// <remarks>
/// The instance is shared and stateless: what a context has captured lives in a table keyed weakly by the context, and what the
/// context takes part in comes from its options (<see cref="MigrationContextExtension"/>).
/// </remarks>
internal sealed class DualWriteInterceptor : SaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    public static readonly DualWriteInterceptor Instance = new();

    private static readonly ConditionalWeakTable<DbContext, UnitOfWork> Units = new();
    private static readonly ConcurrentDictionary<(string, Type, StoreRole), bool> WarnedNonAuthoritative = new();

    private DualWriteInterceptor()
    {
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        RunSynchronously(AfterSaveAsync(async: false, eventData.Context));
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        // The caller's token is deliberately not used: the primary has committed, and cancelling now must not look like a failed save.
        await AfterSaveAsync(async: true, eventData.Context).ConfigureAwait(false);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => DiscardSaving(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        DiscardSaving(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => DiscardSaving(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        DiscardSaving(eventData.Context);
        return Task.CompletedTask;
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        RunSynchronously(BeforeCommitAsync(async: false, eventData.Context, transaction, CancellationToken.None));
        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await BeforeCommitAsync(async: true, eventData.Context, transaction, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        RunSynchronously(AfterCommitAsync(async: false, eventData.Context));

    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        await AfterCommitAsync(async: true, eventData.Context).ConfigureAwait(false);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => DiscardAwaitingCommit(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        DiscardAwaitingCommit(eventData.Context);
        return Task.CompletedTask;
    }

    // A failed commit has an unknown outcome. Applying by state is safe either way: the secondary gets whatever the primary holds.
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        if (eventData.Action == "Commit")
        {
            RunSynchronously(AfterCommitAsync(async: false, eventData.Context));
        }
    }

    public async Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Action == "Commit")
        {
            await AfterCommitAsync(async: true, eventData.Context).ConfigureAwait(false);
        }
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        ShadowQueryCapture.Current?.Record(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        ShadowQueryCapture.Current?.Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        WarnIfBulkWrite(eventData, result);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        WarnIfBulkWrite(eventData, result);
        return ValueTask.FromResult(result);
    }

    private static void Capture(DbContext? context)
    {
        if (context is null || MigrationContextExtension.Find(context) is not { IsInternal: false } extension || !WritesSecondary(extension))
        {
            return;
        }

        var unit = Units.GetValue(context, static _ => new UnitOfWork());
        lock (unit.Sync)
        {
            unit.Saving.Clear();
            unit.InSaveChanges = true;

            // EF detects changes right after this interceptor; detect them once here and let EF skip its own pass.
            var tracker = context.ChangeTracker;
            if (tracker.AutoDetectChangesEnabled)
            {
                tracker.DetectChanges();
                tracker.AutoDetectChangesEnabled = false;
                unit.RestoreAutoDetectChanges = true;
            }

            foreach (var binding in extension.Bindings)
            {
                if (!PhaseRouting.WritesSecondary(binding.Pin.Phase))
                {
                    continue;
                }

                try
                {
                    WarnIfNonAuthoritative(binding, context);
                    CaptureFor(binding, context, unit.Saving);
                    if (binding.Runtime.Intents.WritesInTransaction && binding.Runtime.Intents.IsReady(binding.Store))
                    {
                        // The intents must commit with the change, so even a single-statement save gets a transaction.
                        context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
                    }
                }
                catch (Exception ex)
                {
                    // Capturing must never fail the application's save; what could not be captured is logged so it can be repaired.
                    Log.SecondaryWriteFailed(binding.Runtime.Logger, ex, binding.Runtime.Name, "(capture)", "(unknown)", MigrationTelemetry.StoreName(PhaseRouting.Other(binding.Store)), ex.GetType().Name);
                }
            }
        }
    }

    private static bool WritesSecondary(MigrationContextExtension extension)
    {
        foreach (var binding in extension.Bindings)
        {
            if (PhaseRouting.WritesSecondary(binding.Pin.Phase))
            {
                return true;
            }
        }

        return false;
    }

    private static void CaptureFor(ContextBinding binding, DbContext context, List<CapturedChange> changes)
    {
        var entities = binding.Runtime.Entities;
        var seen = new HashSet<EntityKey>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var (root, key) = KeyValues.RootKey(entry);
            if (entities.Find(binding.Store, root.Name) is not { } entity)
            {
                continue;
            }

            var generated = entry.State == EntityState.Added
                && entry.Metadata.FindPrimaryKey()!.Properties.Any(p => entry.Property(p.Name).IsTemporary);
            if (generated)
            {
                changes.Add(new CapturedChange(binding, entity, null, entry));
            }
            else if (seen.Add(entity.CreateKey(key)))
            {
                // An aggregate whose owned entities changed too is still one change.
                changes.Add(new CapturedChange(binding, entity, entity.CreateKey(key), null));
            }
        }
    }

    private static async ValueTask BeforeCommitAsync(bool async, DbContext? context, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (context is null || !Units.TryGetValue(context, out var unit))
        {
            return;
        }

        List<CapturedChange> committing;
        lock (unit.Sync)
        {
            if (unit.InSaveChanges)
            {
                // EF's own transaction: the commands ran, so store-generated keys are on the entries already.
                ResolveGeneratedKeys(unit.Saving);
                committing = [.. unit.Saving];
            }
            else
            {
                committing = [.. unit.AwaitingCommit];
            }
        }

        if (committing.Count > 0)
        {
            await WriteIntentsAsync(async, context, transaction, committing, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async ValueTask AfterSaveAsync(bool async, DbContext? context)
    {
        if (context is null || !Units.TryGetValue(context, out var unit))
        {
            return;
        }

        List<CapturedChange> ready;
        lock (unit.Sync)
        {
            unit.InSaveChanges = false;
            RestoreAutoDetectChanges(context, unit);
            if (unit.Saving.Count == 0)
            {
                return;
            }

            ResolveGeneratedKeys(unit.Saving);
            if (context.Database.CurrentTransaction is not null)
            {
                // An explicit transaction: the secondary waits for its commit, and never sees a rollback.
                unit.AwaitingCommit.AddRange(unit.Saving);
                unit.Saving.Clear();
                return;
            }

            ready = [.. unit.Saving];
            unit.Saving.Clear();
        }

        if (System.Transactions.Transaction.Current is { } ambient)
        {
            await WriteAmbientIntentsAsync(async, context, ready).ConfigureAwait(false);
            ambient.TransactionCompleted += (_, e) =>
            {
                if (e.Transaction?.TransactionInformation.Status == TransactionStatus.Committed)
                {
                    RunSynchronously(DispatchAsync(async: false, ready));
                }
            };
            return;
        }

        await DispatchAsync(async, ready).ConfigureAwait(false);
    }

    /// <summary>Reads store-generated keys, then keeps one change per aggregate (an owner and its owned entries share a key).</summary>
    private static void ResolveGeneratedKeys(List<CapturedChange> changes)
    {
        var seen = new HashSet<(ContextBinding, EntityKey)>();
        var unique = new List<CapturedChange>(changes.Count);
        foreach (var change in changes)
        {
            change.ResolveGeneratedKey();
            if (seen.Add((change.Binding, change.Key)))
            {
                unique.Add(change);
            }
        }

        changes.Clear();
        changes.AddRange(unique);
    }

    private static async ValueTask AfterCommitAsync(bool async, DbContext? context)
    {
        if (context is null || !Units.TryGetValue(context, out var unit))
        {
            return;
        }

        List<CapturedChange> ready;
        lock (unit.Sync)
        {
            // EF commits its own transaction inside SaveChanges; that commit is handled when SaveChanges completes.
            if (unit.InSaveChanges || unit.AwaitingCommit.Count == 0)
            {
                return;
            }

            ready = unit.TakeAwaitingCommit();
        }

        await DispatchAsync(async, ready).ConfigureAwait(false);
    }

    private static async ValueTask WriteAmbientIntentsAsync(bool async, DbContext context, List<CapturedChange> changes)
    {
        // The connection enlists in the ambient transaction when it opens, so the intents commit or roll back with the scope.
        if (async)
        {
            await context.Database.OpenConnectionAsync().ConfigureAwait(false);
        }
        else
        {
            context.Database.OpenConnection();
        }

        try
        {
            await WriteIntentsAsync(async, context, null, changes, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            if (async)
            {
                await context.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
            else
            {
                context.Database.CloseConnection();
            }
        }
    }

    private static async ValueTask DispatchAsync(bool async, List<CapturedChange> changes)
    {
        foreach (var group in changes.GroupBy(c => (c.Binding.Runtime, c.Binding.Store)))
        {
            await group.Key.Runtime.Writer.WriteAsync(async, group.Key.Store, [.. group.Select(c => new PendingWrite(c.Key, c.IntentId))]).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a durable intent for each change that has none yet, on the primary's connection, inside the transaction that is
    /// about to commit (or the ambient one). A failure here is a failure of the primary transaction, like any of its statements.
    /// </summary>
    private static async ValueTask WriteIntentsAsync(bool async, DbContext context, DbTransaction? transaction, List<CapturedChange> changes, CancellationToken cancellationToken)
    {
        foreach (var group in changes.Where(c => c.IntentId is null).GroupBy(c => (c.Binding.Runtime, c.Binding.Store)))
        {
            var (runtime, store) = group.Key;
            if (!runtime.Intents.WritesInTransaction || !runtime.Intents.IsReady(store))
            {
                continue;
            }

            var now = IntentTable.Now();
            var intents = new List<WriteIntent>();
            foreach (var change in group)
            {
                change.IntentId = WriteIntent.NewId();
                intents.Add(new WriteIntent(change.IntentId, runtime.Name, change.Key.EntityName, change.Entity.EncodeKey(change.Key), PhaseRouting.Other(store), now));
            }

            await runtime.Intents.WriteAsync(async, context, transaction, intents, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void DiscardSaving(DbContext? context)
    {
        if (context is not null && Units.TryGetValue(context, out var unit))
        {
            lock (unit.Sync)
            {
                unit.Saving.Clear();
                unit.InSaveChanges = false;
                RestoreAutoDetectChanges(context, unit);
            }
        }
    }

    private static void RestoreAutoDetectChanges(DbContext context, UnitOfWork unit)
    {
        if (unit.RestoreAutoDetectChanges)
        {
            context.ChangeTracker.AutoDetectChangesEnabled = true;
            unit.RestoreAutoDetectChanges = false;
        }
    }

    private static void DiscardAwaitingCommit(DbContext? context)
    {
        if (context is not null && Units.TryGetValue(context, out var unit))
        {
            lock (unit.Sync)
            {
                if (!unit.InSaveChanges)
                {
                    unit.AwaitingCommit.Clear();
                }
            }
        }
    }

    private static void WarnIfNonAuthoritative(ContextBinding binding, DbContext context)
    {
        if (binding.Store != PhaseRouting.Authoritative(binding.Pin.Phase)
            && WarnedNonAuthoritative.TryAdd((binding.Runtime.Name, context.GetType(), binding.Store), true))
        {
            Log.WriteThroughNonAuthoritativeStore(binding.Runtime.Logger, binding.Runtime.Name, context.GetType().Name, MigrationTelemetry.StoreName(binding.Store), binding.Pin.Phase);
        }
    }

    private static void WarnIfBulkWrite(CommandExecutedEventData eventData, int rowsAffected)
    {
        if (rowsAffected <= 0
            || eventData.CommandSource is not (CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete or CommandSource.ExecuteSqlRaw)
            || eventData.Context is not { } context
            || MigrationContextExtension.Find(context) is not { IsInternal: false } extension)
        {
            return;
        }

        foreach (var binding in extension.Bindings.Where(b => PhaseRouting.WritesSecondary(b.Pin.Phase)))
        {
            MigrationTelemetry.BulkWritesNotMirrored.Add(1, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, binding.Runtime.Name));
            Log.BulkWriteNotMirrored(binding.Runtime.Logger, binding.Runtime.Name, eventData.CommandSource.ToString(), context.GetType().Name);
        }
    }

    /// <summary>Completes a write-path operation started with <c>async: false</c>, which never yields.</summary>
    private static void RunSynchronously(ValueTask operation)
    {
        Debug.Assert(operation.IsCompleted, "The synchronous path must not yield.");
        operation.GetAwaiter().GetResult();
    }
}
