using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Records, in one global order, every command each store received: which store, and whether it read or wrote.</summary>
public sealed class CommandLog
{
    private readonly ConcurrentQueue<CommandRecord> _records = new();
    private long _sequence;

    public IReadOnlyList<CommandRecord> Records => [.. _records.OrderBy(r => r.Sequence)];

    public IInterceptor For(string store) => new Recorder(this, store);

    public void Clear() => _records.Clear();

    public IReadOnlyList<CommandRecord> Writes => [.. Records.Where(r => r.IsWrite)];

    public IReadOnlyList<string> StoresRead => [.. Records.Where(r => !r.IsWrite).Select(r => r.Store).Distinct()];

    private void Add(string store, DbCommand command)
    {
        var text = command.CommandText.TrimStart();
        var verb = text.Split([' ', '\n', '\r', '\t'], 2)[0].ToUpperInvariant();
        _records.Enqueue(new CommandRecord(Interlocked.Increment(ref _sequence), store, verb));
    }

    private sealed class Recorder(CommandLog log, string store) : DbCommandInterceptor
    {
        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            log.Add(store, command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            log.Add(store, command);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            log.Add(store, command);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            log.Add(store, command);
            return ValueTask.FromResult(result);
        }
    }
}

public sealed record CommandRecord(long Sequence, string Store, string Verb)
{
    public bool IsWrite => Verb is "INSERT" or "UPDATE" or "DELETE" or "MERGE";
}
