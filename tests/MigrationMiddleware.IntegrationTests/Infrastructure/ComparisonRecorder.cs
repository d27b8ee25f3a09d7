using System.Collections.Concurrent;
using MigrationMiddleware.Phases;
using MigrationMiddleware.ShadowReads;
using Xunit.Sdk;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Records a host's shadow-read comparisons as they complete, and lets a test await a number of them.</summary>
public sealed class ComparisonRecorder
{
    private readonly ConcurrentQueue<ShadowComparisonEventArgs> _completed = new();
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    public ComparisonRecorder(IMigrationMonitor monitor)
    {
        monitor.ShadowComparisonCompleted += (_, e) =>
        {
            lock (_lock)
            {
                _completed.Enqueue(e);
                foreach (var waiter in _waiters.Where(w => w.Count <= _completed.Count).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        };
    }

    public IReadOnlyList<ShadowComparisonEventArgs> Completed => [.. _completed];

    public async Task<IReadOnlyList<ShadowComparisonEventArgs>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        TaskCompletionSource reached;
        lock (_lock)
        {
            if (_completed.Count >= count)
            {
                return Completed;
            }

            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
        }

        try
        {
            await reached.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new XunitException($"Only {_completed.Count} of {count} shadow-read comparisons completed.");
        }

        return Completed;
    }
}
