using MassTransit;
using Xunit.Sdk;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Counts messages a bus finished consuming (successfully or with a fault), and lets a test await a count.</summary>
public sealed class ConsumeCounter : IConsumeObserver
{
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _consumed;
    private int _faulted;

    public int Consumed => Volatile.Read(ref _consumed);

    public int Faulted => Volatile.Read(ref _faulted);

    public static ConsumeCounter Attach(IBus bus)
    {
        var counter = new ConsumeCounter();
        bus.ConnectConsumeObserver(counter);
        return counter;
    }

    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        TaskCompletionSource reached;
        lock (_lock)
        {
            if (_consumed + _faulted >= count)
            {
                return;
            }

            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
        }

        try
        {
            await reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new XunitException($"Only {_consumed} consumed and {_faulted} faulted of {count} expected within {timeout.TotalSeconds:0} s.");
        }
    }

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        Increment(ref _consumed);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        Increment(ref _faulted);
        return Task.CompletedTask;
    }

    private void Increment(ref int field)
    {
        lock (_lock)
        {
            field++;
            var total = _consumed + _faulted;
            foreach (var waiter in _waiters.Where(w => w.Count <= total).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}
