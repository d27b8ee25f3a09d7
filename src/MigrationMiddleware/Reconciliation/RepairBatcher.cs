using System.Threading.Channels;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// Applies the rows of concurrent repair requests together: whatever arrived while the previous batch ran goes into the next
/// one, so a consumer handling many messages at once reads and writes each store once per batch rather than once per row.
/// Each request still learns its own row's outcome.
/// </summary>
internal sealed class RepairBatcher(MigrationRuntime runtime, StoreRole source) : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(30);

    private readonly Channel<(EntityKey Key, TaskCompletionSource<Exception?> Done)> _requests =
        Channel.CreateUnbounded<(EntityKey, TaskCompletionSource<Exception?>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Lock _lock = new();
    private Task? _reader;

    /// <summary>Repairs one row with the next batch; returns <see langword="null"/> when it was applied, or why it was not.</summary>
    public Task<Exception?> RepairAsync(EntityKey key)
    {
        var done = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Writer.TryWrite((key, done));
        if (_reader is null)
        {
            lock (_lock)
            {
                _reader ??= Task.Run(ReadAsync, CancellationToken.None);
            }
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        if (_reader is { } reader)
        {
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ReadAsync()
    {
        var reader = _requests.Reader;
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
}
