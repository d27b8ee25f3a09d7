using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Captures log entries so tests can assert on event ids and on what was (not) written to the log.</summary>
public sealed class TestLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => [.. _records];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public IReadOnlyList<LogRecord> WithEventId(int eventId) => [.. _records.Where(r => r.EventId == eventId)];

    /// <summary>Appends warnings and errors to a file in the folder named by MM_TEST_LOG_DIR, when it is set (for debugging).</summary>
    public void DumpIfRequested(string testClass)
    {
        if (Environment.GetEnvironmentVariable("MM_TEST_LOG_DIR") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.AppendAllLines(
                Path.Combine(folder, testClass + ".log"),
                _records.Where(r => r.Level >= LogLevel.Warning).Select(r => $"{r.Level} {r.EventId} {r.Message} {r.Exception}"));
        }
    }

    private sealed class Logger(TestLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._records.Enqueue(new LogRecord(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}

public sealed record LogRecord(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);
