using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Collects the library's measurements for one migration name, so tests running in parallel do not see each other's.</summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _sums = new();
    private readonly ConcurrentDictionary<(string Instrument, string Tag, string Value), double> _tagged = new();

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
                    foreach (var other in tags)
                    {
                        if (other.Key != "migration.name")
                        {
                            _tagged.AddOrUpdate((instrument.Name, other.Key, other.Value?.ToString() ?? string.Empty), value, (_, sum) => sum + value);
                        }
                    }

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

    /// <summary>Gets the sum of the measurements that carried <paramref name="tag"/> = <paramref name="value"/>.</summary>
    public double SumTagged(string instrument, string tag, string value) => _tagged.GetValueOrDefault((instrument, tag, value));

    public void Dispose() => _listener.Dispose();
}
