using System.Threading.Channels;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// Applies the rows of concurrent repair requests together: whatever arrived while a lane's previous batch ran goes into its next
/// one, so a consumer handling many messages at once reads and writes each store once per batch rather than once per row.
/// Requests are spread over a few lanes by key, so batches overlap (one is read while another is written) and one key is never
/// applied by two batches at once. Each request still learns its own row's outcome.
/// </summary>
internal sealed class RepairBatcher(MigrationRuntime runtime, StoreRole source) : IAsyncDisposable
{
    private const int MaxBatch = 256;

    // Four lanes measured best on a two-core machine with everything on loopback (ReconciliationDrain); more lanes mostly matter
    // when the stores are a network round trip away and each batch waits on latency rather than CPU.
    private const int LaneCount = 4;
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(30);

    private readonly Lane[] _lanes = [.. Enumerable.Range(0, LaneCount).Select(_ => new Lane())];
    private readonly Lock _lock = new();


    /// <summary>Repairs one row with the next batch of its lane; returns <see langword="null"/> when it was applied, or why it was not.</summary>
    public Task<Exception?> RepairAsync(EntityKey key)
    {
        var done = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lane = _lanes[(int)((uint)key.GetHashCode() % (uint)_lanes.Length)];
        lane.Requests.Writer.TryWrite((key, done));
        if (lane.Reader is null)
        {
            lock (_lock)
            {
                lane.Reader ??= Task.Run(() => ReadAsync(lane.Requests.Reader), CancellationToken.None);
            }
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Requests.Writer.TryComplete();
            if (lane.Reader is { } reader)
            {
                await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ReadAsync(ChannelReader<(EntityKey Key, TaskCompletionSource<Exception?> Done)> reader)
    {
        var batch = new List<(EntityKey Key, TaskCompletionSource<Exception?> Done)>(MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var request))
            {
                batch.Add(request);
            }

            ApplyResult result;
            try
            {
                using var timeout = new CancellationTokenSource(BatchTimeout);
                result = await runtime.Applier.ApplyAsync(async: true, source, [.. batch.Select(r => r.Key).Distinct()], timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                result = new ApplyResult(0, [.. batch.Select(r => r.Key)], ex);
            }

            var failed = result.Failed.ToHashSet();
            foreach (var (key, done) in batch)
            {
                done.TrySetResult(failed.Contains(key) ? result.Error ?? new InvalidOperationException("The source row kept changing while it was copied.") : null);
            }

            batch.Clear();
        }
    }

    private sealed class Lane
    {
        public Channel<(EntityKey Key, TaskCompletionSource<Exception?> Done)> Requests { get; } =
            Channel.CreateUnbounded<(EntityKey, TaskCompletionSource<Exception?>)>(new UnboundedChannelOptions { SingleReader = true });

        public Task? Reader { get; set; }
    }
}
