using System.Threading.Channels;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Reconciliation;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.SecondaryWrites;

/// <summary>
/// The bounded queue of <see cref="SecondaryWriteMode.Deferred"/> mode. One background reader applies changes in arrival order,
/// in batches; a full queue, or a queue still holding changes at shutdown, hands them to reconciliation, never drops them.
/// </summary>
internal sealed class DeferredWriteQueue : IAsyncDisposable
{
    private readonly MigrationRuntime _runtime;
    private readonly Channel<(PendingWrite Write, StoreRole Source)> _channel;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _progress = NewSignal();
    private Task? _reader;
    private int _pending;
    private bool _closed;

    public DeferredWriteQueue(MigrationRuntime runtime)
    {
        _runtime = runtime;
        _channel = Channel.CreateBounded<(PendingWrite, StoreRole)>(new BoundedChannelOptions(runtime.Options.DeferredQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Gets the changes queued or being applied.</summary>
    public int Count => Volatile.Read(ref _pending);

    public void Enqueue(StoreRole source, IEnumerable<PendingWrite> writes)
    {
        EnsureReader();
        List<PendingWrite>? rejected = null;
        foreach (var write in writes)
        {
            Interlocked.Increment(ref _pending);
            if (_channel.Writer.TryWrite((write, source)))
            {
                MigrationTelemetry.DeferredQueueLength.Add(1, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name));
                continue;
            }

            Interlocked.Decrement(ref _pending);
            (rejected ??= []).Add(write);
        }

        if (rejected is not null)
        {
            if (!_closed)
            {
                MigrationTelemetry.DeferredOverflows.Add(rejected.Count, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name));
                Log.DeferredQueueOverflow(_runtime.Logger, _runtime.Name, _runtime.Options.DeferredQueueCapacity, rejected.Count);
            }

            _runtime.Writer.HandOff(PhaseRouting.Other(source), rejected, _closed ? RepairReason.Shutdown : RepairReason.DeferredQueueOverflow, null);
        }
    }

    /// <summary>Waits until everything queued so far has been applied or handed off.</summary>
    /// <returns><see langword="false"/> if the timeout elapsed first.</returns>
    public async Task<bool> WaitForDrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (Count > 0)
            {
                Task progress;
                lock (_lock)
                {
                    progress = _progress.Task;
                }

                if (Count == 0)
                {
                    break;
                }

                await progress.WaitAsync(deadline.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Stops taking changes, applies what is queued within the timeout, and hands the rest to reconciliation.</summary>
    public async Task ShutdownAsync(TimeSpan timeout)
    {
        Task? reader;
        lock (_lock)
        {
            _closed = true;
            reader = _reader;
        }

        _channel.Writer.TryComplete();
        if (reader is not null)
        {
            try
            {
                await reader.WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await _stopping.CancelAsync().ConfigureAwait(false);
                await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        var left = new List<(PendingWrite Write, StoreRole Source)>();
        while (_channel.Reader.TryRead(out var item))
        {
            left.Add(item);
        }

        if (left.Count > 0)
        {
            Interlocked.Add(ref _pending, -left.Count);
            MigrationTelemetry.DeferredQueueLength.Add(-left.Count, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name));
            Log.DeferredQueueFlushedAtShutdown(_runtime.Logger, _runtime.Name, left.Count);
            foreach (var group in left.GroupBy(i => i.Source))
            {
                _runtime.Writer.HandOff(PhaseRouting.Other(group.Key), group.Select(i => i.Write), RepairReason.Shutdown, null);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(_runtime.Options.ShutdownDrainTimeout).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void EnsureReader()
    {
        if (_reader is not null)
        {
            return;
        }

        lock (_lock)
        {
            if (_reader is null && !_closed)
            {
                _reader = Task.Run(ReadAsync);
            }
        }
    }

    private async Task ReadAsync()
    {
        var batchSize = _runtime.Options.DeferredBatchSize;
        var batch = new List<(PendingWrite Write, StoreRole Source)>(batchSize);
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (batch.Count < batchSize && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                try
                {
                    // In arrival order per source; a key appearing twice is applied once, with its latest state.
                    foreach (var group in batch.GroupBy(i => i.Source))
                    {
                        await _runtime.Writer.ApplyNowAsync(async: true, group.Key, [.. group.Select(i => i.Write)], _stopping.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    Interlocked.Add(ref _pending, -batch.Count);
                    MigrationTelemetry.DeferredQueueLength.Add(-batch.Count, new KeyValuePair<string, object?>(MigrationTelemetry.MigrationTag, _runtime.Name));
                    batch.Clear();
                    SignalProgress();
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private void SignalProgress()
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            done = _progress;
            _progress = NewSignal();
        }

        done.TrySetResult();
    }
}
