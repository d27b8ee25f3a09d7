using System.Diagnostics;
using System.Linq.Expressions;
using System.Text;
using System.Threading.Channels;
using MigrationMiddleware.Comparison;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.Synchronization;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.ShadowReads;

/// <summary>
/// Compares reads between a migration's stores, off the request path. A read is compared only if it is sampled and a comparison
/// slot is free at once; otherwise it is skipped and counted, never queued without bound. Differences are read again, by key,
/// from both stores before they are reported, so a concurrent write shows as transient rather than as a mismatch.
/// </summary>
internal sealed class ShadowReadComparer : IAsyncDisposable
{
    private const int EveryReadBatch = 100;

    private readonly MigrationRuntime _runtime;
    private readonly SemaphoreSlim _slots;
    private readonly RowComparer _rows;
    private readonly Channel<(StoreRole Authoritative, EntityKey Key)> _everyRead;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Task? _everyReadReader;
    private int _unsupportedLogged;

    public ShadowReadComparer(MigrationRuntime runtime, ShadowReadOptions options)
    {
        _runtime = runtime;
        Options = options;
        _slots = new SemaphoreSlim(options.MaxConcurrentComparisons, options.MaxConcurrentComparisons);
        _rows = new RowComparer(options.IsIgnored, options.PropertyComparer);
        _everyRead = Channel.CreateBounded<(StoreRole, EntityKey)>(new BoundedChannelOptions(options.EntityQueueCapacity) { SingleReader = true });
    }

    public event EventHandler<ShadowComparisonEventArgs>? Completed;

    public ShadowReadOptions Options { get; }

    /// <summary>Gets how many comparisons are running now.</summary>
    public int InFlight => Options.MaxConcurrentComparisons - _slots.CurrentCount;

    /// <summary>Gets whether reads of a unit of work pinned to this phase are compared.</summary>
    public bool Applies(PhaseSnapshot pin) =>
        _runtime.Definition.SharesModel && (pin.Phase == MigrationPhase.ShadowRead || (pin.Phase == MigrationPhase.Cutover && Options.CompareInCutover));

    public bool ComparesEveryRead(Type clrType) => Options.EveryRead.Contains(clrType);

    /// <summary>Decides whether one read is sampled; counts it when not.</summary>
    public bool Sample()
    {
        if (Options.SampleRate >= 1 || Random.Shared.NextDouble() < Options.SampleRate)
        {
            return true;
        }

        CountSkipped("sampled_out");
        return false;
    }

    /// <summary>Takes a comparison slot if one is free now; counts the read as skipped when none is.</summary>
    public bool TryTakeSlot()
    {
        if (_slots.Wait(0))
        {
            return true;
        }

        CountSkipped("saturated");
        return false;
    }

    public void ReleaseSlot() => _slots.Release();

    public void RecordReadDuration(StoreRole store, bool authoritative, long startedTimestamp) =>
        MigrationTelemetry.ShadowReadDuration.Record(
            Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name),
            new KeyValuePair<string, object?>(MigrationTelemetry.StoreTag, MigrationTelemetry.StoreName(store)),
            new KeyValuePair<string, object?>(MigrationTelemetry.RoleTag, authoritative ? "authoritative" : "secondary"));

    public void ReportUnsupported(string reason)
    {
        CountSkipped("unsupported");
        if (Interlocked.Exchange(ref _unsupportedLogged, 1) == 0)
        {
            Log.ShadowReadUnsupported(_runtime.Logger, _runtime.Name, reason);
        }
    }

    /// <summary>Compares a query's authoritative results with the same query on the other store. The caller holds a slot.</summary>
    /// <remarks>
    /// With <paramref name="tracked"/> the other store is queried with tracking, so shadow values are compared; without, the
    /// caller's results carried none, and the other store is queried untracked.
    /// </remarks>
    public void StartQuery(StoreRole authoritative, string entityName, Type elementType, Expression expression, Dictionary<EntityKey, RowImage> authoritativeRows, bool tracked) =>
        Start(entityName, async cancellationToken =>
        {
            var secondary = PhaseRouting.Other(authoritative);
            var lease = _runtime.CreateContext(secondary);
            await using (lease.ConfigureAwait(false))
            {
                var started = Stopwatch.GetTimestamp();
                var results = await QueryRebaser.ExecuteAsync(lease.Context, elementType, expression, tracked, cancellationToken).ConfigureAwait(false);
                RecordReadDuration(secondary, authoritative: false, started);
                var entity = _runtime.Entities.FindByName(entityName)!;
                var entityType = lease.Context.Model.FindEntityType(elementType)!;
                var secondaryRows = new Dictionary<EntityKey, RowImage>();
                foreach (var result in results)
                {
                    var (key, image) = RowImage.Capture(tracked ? lease.Context.Entry(result) : null, entityType, result);
                    secondaryRows[entity.CreateKey(key)] = image;
                }

                return await ConfirmAsync(authoritative, _rows.Compare(authoritativeRows, secondaryRows), authoritativeRows, cancellationToken).ConfigureAwait(false);
            }
        });

    /// <summary>
    /// Compares rows by key. With <paramref name="authoritativeRows"/> (what the caller received) only the other store is read;
    /// without, both are. The caller holds a slot.
    /// </summary>
    public void StartKeys(StoreRole authoritative, string entityName, IReadOnlyList<EntityKey> keys, Dictionary<EntityKey, RowImage>? authoritativeRows) =>
        Start(entityName, async cancellationToken =>
        {
            var (readAuthoritative, secondary) = await ReadBothAsync(authoritative, keys, authoritativeRows is null, cancellationToken).ConfigureAwait(false);
            var first = authoritativeRows ?? readAuthoritative;
            return await ConfirmAsync(authoritative, _rows.Compare(first, secondary), first, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>Queues one materialized entity of a type compared on every read; skipped and counted when the queue is full.</summary>
    public void EnqueueEveryRead(StoreRole authoritative, EntityKey key)
    {
        if (!_everyRead.Writer.TryWrite((authoritative, key)))
        {
            CountSkipped("saturated");
            return;
        }

        if (_everyReadReader is null)
        {
            lock (_lock)
            {
                _everyReadReader ??= Task.Run(ReadEveryReadAsync, CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _everyRead.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_everyReadReader is { } reader)
        {
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
        _slots.Dispose();
    }

    private void Start(string entityName, Func<CancellationToken, Task<(ShadowReadOutcome Outcome, List<RowDifference> Mismatches, int Transient)>> compare) =>
        _ = Task.Run(
            async () =>
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                    timeout.CancelAfter(Options.ComparisonTimeout);
                    var (outcome, mismatches, transient) = await compare(timeout.Token).ConfigureAwait(false);
                    Report(entityName, outcome, mismatches, transient);
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    Log.ShadowReadFailed(_runtime.Logger, ex, _runtime.Name, entityName, ex.GetType().Name);
                    Report(entityName, ShadowReadOutcome.Error, [], 0);
                }
                finally
                {
                    _slots.Release();
                }
            },
            CancellationToken.None);

    /// <summary>
    /// Reads the differing rows again from both stores before anything is reported. A row whose authoritative value changed
    /// since the first read is hot: the difference is a write in flight, not drift. A row that still differs is read again after
    /// a growing delay, so the dual-write lag (the change has reached one store, not yet the other) clears; only differences
    /// that survive every re-read are mismatches.
    /// </summary>
    private async Task<(ShadowReadOutcome, List<RowDifference>, int)> ConfirmAsync(
        StoreRole authoritative, List<RowDifference> differences, IReadOnlyDictionary<EntityKey, RowImage> firstRead, CancellationToken cancellationToken)
    {
        var pending = differences.Where(d => !d.IgnoredOnly).ToList();
        if (pending.Count == 0)
        {
            return (differences.Count == 0 ? ShadowReadOutcome.Matched : ShadowReadOutcome.Ignored, [], 0);
        }

        var suspected = pending.Count;
        var delay = Options.RecheckDelay;
        for (var attempt = 1; attempt <= Options.RecheckAttempts && pending.Count > 0; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }

            var keys = pending.Select(d => d.Key).ToList();
            var (again, secondary) = await ReadBothAsync(authoritative, keys, readAuthoritative: true, cancellationToken).ConfigureAwait(false);
            pending = _rows.Compare(again, secondary)
                .Where(d => !d.IgnoredOnly && Unchanged(d.Key, firstRead, again))
                .ToList();
        }

        var transient = suspected - pending.Count;
        if (transient > 0)
        {
            MigrationTelemetry.ShadowReadTransientRows.Add(transient, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name));
        }

        return (pending.Count == 0 ? ShadowReadOutcome.Matched : ShadowReadOutcome.Mismatched, pending, transient);

        bool Unchanged(EntityKey key, IReadOnlyDictionary<EntityKey, RowImage> before, Dictionary<EntityKey, RowImage> now)
        {
            var hadRow = before.TryGetValue(key, out var was);
            var hasRow = now.TryGetValue(key, out var @is);
            return hadRow == hasRow && (!hadRow || _rows.Compare(was!, @is!) is null);
        }
    }

    private async Task<(Dictionary<EntityKey, RowImage> Authoritative, Dictionary<EntityKey, RowImage> Secondary)> ReadBothAsync(
        StoreRole authoritative, IReadOnlyList<EntityKey> keys, bool readAuthoritative, CancellationToken cancellationToken)
    {
        async Task<Dictionary<EntityKey, RowImage>> ReadAsync(StoreRole store)
        {
            var lease = _runtime.CreateContext(store);
            await using (lease.ConfigureAwait(false))
            {
                var started = Stopwatch.GetTimestamp();
                var rows = await RowLoader.LoadAsync(async: true, _runtime, lease.Context, store, keys, cancellationToken).ConfigureAwait(false);
                RecordReadDuration(store, store == authoritative, started);
                return rows.ToDictionary(r => r.Key, r => RowImage.FromEntry(r.Value));
            }
        }

        var secondaryRead = ReadAsync(PhaseRouting.Other(authoritative));
        var authoritativeRows = readAuthoritative ? await ReadAsync(authoritative).ConfigureAwait(false) : [];
        return (authoritativeRows, await secondaryRead.ConfigureAwait(false));
    }

    private void Report(string entityName, ShadowReadOutcome outcome, List<RowDifference> mismatches, int transient)
    {
        var migration = new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name);
        MigrationTelemetry.ShadowReadComparisons.Add(
            1,
            migration,
            new KeyValuePair<string, object?>(MigrationTelemetry.EntityTypeTag, entityName),
            new KeyValuePair<string, object?>(MigrationTelemetry.OutcomeTag, outcome.ToString().ToLowerInvariant()));
        if (mismatches.Count > 0)
        {
            foreach (var group in mismatches.GroupBy(m => m.Kind))
            {
                MigrationTelemetry.ShadowReadMismatchedRows.Add(group.Count(), migration, new KeyValuePair<string, object?>(MigrationTelemetry.KindTag, group.Key.ToString().ToLowerInvariant()));
            }

            var authoritative = PhaseRouting.Authoritative(_runtime.CurrentPhase.Phase);
            Log.ShadowReadMismatch(_runtime.Logger, _runtime.Name, entityName, mismatches.Count, MigrationTelemetry.StoreName(PhaseRouting.Other(authoritative)), Describe(mismatches));
            if (Options.RepairMismatches)
            {
                foreach (var mismatch in mismatches)
                {
                    _runtime.Writer.RequestRepair(
                        new RepairRequest(_runtime.Name, mismatch.Key.EntityName, mismatch.Key.Values, PhaseRouting.Other(authoritative), RepairReason.ShadowReadMismatch, DateTimeOffset.UtcNow, "shadow read mismatch"),
                        mismatch.Key);
                }
            }
        }

        var args = new ShadowComparisonEventArgs(
            _runtime.Name,
            entityName,
            outcome,
            [.. mismatches.Select(m => new ShadowMismatch(m.Key.Values, Kind(m.Kind), [.. m.Properties.Where(p => !p.Ignored).Select(p => p.Path)]))],
            transient);
        try
        {
            Completed?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            Log.ShadowReadFailed(_runtime.Logger, ex, _runtime.Name, entityName, "a ShadowComparisonCompleted handler threw");
        }
    }

    private string Describe(List<RowDifference> mismatches)
    {
        const int Listed = 20;
        var secondary = MigrationTelemetry.StoreName(PhaseRouting.Other(PhaseRouting.Authoritative(_runtime.CurrentPhase.Phase)));
        var text = new StringBuilder();
        foreach (var mismatch in mismatches.Take(Listed))
        {
            text.Append(text.Length == 0 ? string.Empty : "; ").Append(mismatch.Key.ValuesText).Append(' ');
            _ = mismatch.Kind switch
            {
                DifferenceKind.Missing => text.Append("missing in ").Append(secondary),
                DifferenceKind.Extra => text.Append("extra in ").Append(secondary),
                _ => text.Append("differs in ").AppendJoin(", ", mismatch.Properties.Where(p => !p.Ignored).Select(p => Options.LogValues
                    ? $"{p.Path} ({CanonicalValue.Format(p.Authoritative)} vs {CanonicalValue.Format(p.Secondary)})"
                    : p.Path)),
            };
        }

        if (mismatches.Count > Listed)
        {
            text.Append("; and ").Append(mismatches.Count - Listed).Append(" more");
        }

        return text.ToString();
    }

    private static ShadowMismatchKind Kind(DifferenceKind kind) => kind switch
    {
        DifferenceKind.Missing => ShadowMismatchKind.MissingInSecondary,
        DifferenceKind.Extra => ShadowMismatchKind.ExtraInSecondary,
        _ => ShadowMismatchKind.Different,
    };

    private void CountSkipped(string reason) =>
        MigrationTelemetry.ShadowReadsSkipped.Add(
            1,
            new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name),
            new KeyValuePair<string, object?>(MigrationTelemetry.ReasonTag, reason));

    /// <summary>Compares entities of every-read types in batches: what arrived while the previous batch ran.</summary>
    private async Task ReadEveryReadAsync()
    {
        var reader = _everyRead.Reader;
        var batch = new List<(StoreRole Authoritative, EntityKey Key)>(EveryReadBatch);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (batch.Count < EveryReadBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                foreach (var group in batch.GroupBy(i => (i.Authoritative, i.Key.EntityName)))
                {
                    await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                    StartKeys(group.Key.Authoritative, group.Key.EntityName, [.. group.Select(i => i.Key).Distinct()], null);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }
}
