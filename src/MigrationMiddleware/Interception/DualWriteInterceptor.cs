using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using MigrationMiddleware.Phases;
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
        if (context is null || MigrationContextExtension.Find(context) is not { IsInternal: false } extension)
        {
            return;
        }

        var unit = Units.GetValue(context, static _ => new UnitOfWork());
        lock (unit.Sync)
        {
            unit.Saving.Clear();
            unit.InSaveChanges = true;
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
                }
                catch (Exception ex)
                {
                    // Capturing must never fail the application's save; what could not be captured is logged so it can be repaired.
                    Log.SecondaryWriteFailed(binding.Runtime.Logger, ex, binding.Runtime.Name, "(capture)", "(unknown)", MigrationTelemetry.StoreName(PhaseRouting.Other(binding.Store)), ex.GetType().Name);
                }
            }
        }
    }

    private static void CaptureFor(ContextBinding binding, DbContext context, List<CapturedChange> changes)
    {
        var entities = binding.Runtime.Entities;
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
            changes.Add(generated ? new CapturedChange(binding, entity, null, entry) : new CapturedChange(binding, entity, entity.CreateKey(key), null));
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
            if (unit.Saving.Count == 0)
            {
                return;
            }

            foreach (var change in unit.Saving)
            {
                change.ResolveGeneratedKey();
            }

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

    private static async ValueTask DispatchAsync(bool async, List<CapturedChange> changes)
    {
        foreach (var group in changes.GroupBy(c => (c.Binding.Runtime, c.Binding.Store)))
        {
            var keys = group.Select(c => c.Key).Distinct().ToList();
            await group.Key.Runtime.Writer.WriteAsync(async, group.Key.Store, keys).ConfigureAwait(false);
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
            }
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
