using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Intents;

/// <summary>
/// Durable write intents of one migration (the library's transactional outbox). An intent row is written in the same transaction
/// as the primary change, deleted once the other store holds the change, and relayed to reconciliation if it is still there
/// after <see cref="DualWriteOptions.IntentRelayAfter"/>: because the process died, the secondary write failed, or the repair
/// message was lost or exhausted its retries.
/// </summary>
internal sealed class IntentLedger : IAsyncDisposable
{
    private const int RelayBatch = 500;
    private const int CompletionBatch = 500;

    private readonly MigrationRuntime _runtime;
    private readonly Channel<(StoreRole Store, string Id)> _completions = Channel.CreateUnbounded<(StoreRole, string)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly bool[] _ready = new bool[2];
    private readonly Lock _lock = new();
    private Task? _completer;
    private Task? _relay;

    public IntentLedger(MigrationRuntime runtime)
    {
        _runtime = runtime;
        Table = new IntentTable(runtime.Options.IntentTableName);
    }

    public IntentTable Table { get; }

    /// <summary>Gets whether every change writes an intent in its primary transaction (the outbox), not only failed ones.</summary>
    public bool WritesInTransaction => _runtime.Options.DurableIntents;

    private long RelayAfterMs => (long)_runtime.Options.IntentRelayAfter.TotalMilliseconds;

    /// <summary>Gets whether intents can be written to a store: its table exists (created or found at start-up).</summary>
    public bool IsReady(StoreRole store) => Volatile.Read(ref _ready[(int)store]);

    /// <summary>Makes sure both stores have the table, then starts the background work. A store that is down is retried later.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await PrepareTablesAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _completer ??= Task.Run(CompleteAsync, CancellationToken.None);
            _relay ??= Task.Run(RelayPeriodicallyAsync, CancellationToken.None);
        }
    }

    /// <summary>Writes intents for changes about to commit, on the primary's connection and transaction.</summary>
    public ValueTask WriteAsync(bool async, DbContext context, DbTransaction? transaction, IReadOnlyList<WriteIntent> intents, CancellationToken cancellationToken) =>
        Table.InsertAsync(async, context, transaction, intents, RelayAfterMs, cancellationToken);

    /// <summary>
    /// Records repair requests that have no intent yet as intents in their source store (the store of record for the change), so
    /// they survive the process and a broker that is down. Sets <see cref="RepairRequest.IntentId"/> on the returned requests.
    /// </summary>
    public async Task<List<RepairRequest>> SpoolAsync(IReadOnlyList<RepairRequest> requests, CancellationToken cancellationToken)
    {
        var spooled = new List<RepairRequest>(requests.Count);
        foreach (var group in requests.GroupBy(r => PhaseRouting.Other(r.TargetStore)))
        {
            var intents = new List<WriteIntent>();
            foreach (var request in group)
            {
                var entity = _runtime.Entities.FindByName(request.EntityType)!;
                var withIntent = request with { IntentId = WriteIntent.NewId() };
                intents.Add(new WriteIntent(withIntent.IntentId!, _runtime.Name, request.EntityType, entity.EncodeKey(entity.CreateKey(request.KeyValues)), request.TargetStore, IntentTable.Now()));
                spooled.Add(withIntent);
            }

            var lease = _runtime.CreateContext(group.Key);
            await using (lease.ConfigureAwait(false))
            {
                await lease.Context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await Table.InsertAsync(async: true, lease.Context, null, intents, RelayAfterMs, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await lease.Context.Database.CloseConnectionAsync().ConfigureAwait(false);
                }
            }
        }

        return spooled;
    }

    /// <summary>Moves the next relay of intents whose repair was handed to a durable transport later, so the relay does not resend them while they wait in the queue.</summary>
    public async Task PostponeAsync(StoreRole store, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var lease = _runtime.CreateContext(store);
        await using (lease.ConfigureAwait(false))
        {
            await Table.PostponeAsync(lease.Context, ids, IntentTable.Now() + (long)_runtime.Options.IntentRelayMaxDelay.TotalMilliseconds, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks intents done: the other store holds their changes. Deleted in the background, in batches.</summary>
    public void Complete(StoreRole store, IEnumerable<string?> ids)
    {
        foreach (var id in ids)
        {
            if (id is not null)
            {
                _completions.Writer.TryWrite((store, id));
            }
        }
    }

    /// <summary>Deletes intents now (used by repairs, which complete one row at a time and may run in another process).</summary>
    public async Task CompleteNowAsync(StoreRole store, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var lease = _runtime.CreateContext(store);
        await using (lease.ConfigureAwait(false))
        {
            await Table.DeleteAsync(lease.Context, ids, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts the intents waiting for a repair, in both stores. Fresh intents of writes still being applied do not count.</summary>
    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        long pending = 0;
        foreach (var store in (StoreRole[])[StoreRole.Old, StoreRole.New])
        {
            if (IsReady(store))
            {
                var lease = _runtime.CreateContext(store);
                await using (lease.ConfigureAwait(false))
                {
                    pending += await Table.CountPendingAsync(lease.Context, _runtime.Name, IntentTable.Now() - RelayAfterMs, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return pending;
    }

    /// <summary>Submits the due intents of both stores to the reconciliation sink.</summary>
    /// <returns>How many intents were relayed.</returns>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var relayed = 0;
        foreach (var store in (StoreRole[])[StoreRole.Old, StoreRole.New])
        {
            if (!IsReady(store))
            {
                continue;
            }

            List<WriteIntent> due;
            var lease = _runtime.CreateContext(store);
            await using (lease.ConfigureAwait(false))
            {
                due = await Table.TakeDueAsync(lease.Context, _runtime.Name, RelayBatch, RelayAfterMs, (long)_runtime.Options.IntentRelayMaxDelay.TotalMilliseconds, cancellationToken).ConfigureAwait(false);
            }

            foreach (var intent in due)
            {
                if (_runtime.Entities.FindByName(intent.EntityType) is not { } entity)
                {
                    continue;
                }

                object?[] values;
                try
                {
                    values = [.. entity.DecodeKey(intent.KeyValues).Values];
                }
                catch (FormatException ex)
                {
                    Log.IntentRelayFailed(_runtime.Logger, ex, _runtime.Name);
                    continue;
                }

                _runtime.Sink.Submit(new RepairRequest(
                    _runtime.Name,
                    intent.EntityType,
                    values,
                    intent.TargetStore,
                    RepairReason.RecoveredIntent,
                    DateTimeOffset.FromUnixTimeMilliseconds(intent.CreatedAt),
                    intent.Attempts == 0 ? "intent left behind" : $"intent relayed {intent.Attempts + 1} times",
                    intent.Id));
                relayed++;
            }
        }

        if (relayed > 0)
        {
            MigrationTelemetry.IntentsRelayed.Add(relayed, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name));
            Log.IntentsRelayed(_runtime.Logger, _runtime.Name, relayed);
        }

        return relayed;
    }

    public async Task StopAsync()
    {
        _completions.Writer.TryComplete();
        if (_completer is { } completer)
        {
            await completer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_relay is { } relay)
        {
            await relay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task PrepareTablesAsync(CancellationToken cancellationToken)
    {
        foreach (var store in (StoreRole[])[StoreRole.Old, StoreRole.New])
        {
            if (IsReady(store))
            {
                continue;
            }

            try
            {
                var lease = _runtime.CreateContext(store);
                await using (lease.ConfigureAwait(false))
                {
                    if (_runtime.Options.CreateIntentTables)
                    {
                        await Table.EnsureCreatedAsync(lease.Context, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await Table.CountPendingAsync(lease.Context, _runtime.Name, 0, cancellationToken).ConfigureAwait(false);
                    }
                }

                Volatile.Write(ref _ready[(int)store], true);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.IntentTableUnavailable(_runtime.Logger, ex, _runtime.Name, Table.TableName, MigrationTelemetry.StoreName(store));
            }
        }
    }

    private async Task CompleteAsync()
    {
        var reader = _completions.Reader;
        var batch = new List<(StoreRole Store, string Id)>(CompletionBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < CompletionBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            foreach (var group in batch.GroupBy(i => i.Store))
            {
                try
                {
                    await CompleteNowAsync(group.Key, [.. group.Select(i => i.Id)], CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Left in place, the intents are relayed later and their repairs find nothing to change.
                    Log.IntentCompletionFailed(_runtime.Logger, ex, _runtime.Name, group.Count());
                }
            }

            batch.Clear();
        }
    }

    private async Task RelayPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(_runtime.Options.IntentRelayInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await PrepareTablesAsync(_stopping.Token).ConfigureAwait(false);
                    if (PhaseRouting.WritesSecondary(_runtime.CurrentPhase.Phase))
                    {
                        await RelayOnceAsync(_stopping.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    Log.IntentRelayFailed(_runtime.Logger, ex, _runtime.Name);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }
}
