using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Collects the library's measurements for one migration name, so tests running in parallel do not see each other's.</summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _sums = new();

    public MetricsCollector(string migration)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "MigrationMiddleware")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "migration.name" && Equals(tag.Value, migration))
                {
                    _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
                    return;
                }
            }
        }

        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, 1, t));
        _listener.Start();
    }

    /// <summary>Gets the sum of a counter's measurements (for histograms: how many were recorded).</summary>
    public double Sum(string instrument) => _sums.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();
}
