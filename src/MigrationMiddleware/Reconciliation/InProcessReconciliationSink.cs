using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.Internal;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Synchronization;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// The default sink: keeps repair requests in memory, one per row and target store, and repairs them on demand with
/// <see cref="RepairAsync"/>. Requests do not survive a restart; use the MassTransit add-on where they must.
/// </summary>
public sealed class InProcessReconciliationSink : IReconciliationSink
{
    private readonly ConcurrentDictionary<(string Migration, StoreRole Target, EntityKey Key), Entry> _pending = new();
    private readonly IServiceProvider _services;

    /// <summary>Initializes a new instance of the <see cref="InProcessReconciliationSink"/> class.</summary>
    /// <param name="services">The service provider the migrations are registered in.</param>
    public InProcessReconciliationSink(IServiceProvider services)
    {
        _services = Check.NotNull(services);
    }

    /// <summary>Gets the requests not repaired yet, oldest failure first.</summary>
    public IReadOnlyList<RepairRequest> Pending => [.. _pending.Values.Select(e => e.Request).OrderBy(r => r.FirstFailedAt)];

    /// <inheritdoc />
    public void Submit(RepairRequest request)
    {
        Check.NotNull(request);
        var id = (request.MigrationName, request.TargetStore, new EntityKey(request.EntityType, [.. request.KeyValues]));
        _pending.AddOrUpdate(
            id,
            _ => new Entry(request, request.IntentId is null ? [] : [request.IntentId]),
            (_, existing) =>
            {
                // One entry per row: the earliest failure time, the latest reason, and every intent the repair completes.
                var first = existing.Request.FirstFailedAt <= request.FirstFailedAt ? existing.Request.FirstFailedAt : request.FirstFailedAt;
                var intents = request.IntentId is null || existing.IntentIds.Contains(request.IntentId) ? existing.IntentIds : [.. existing.IntentIds, request.IntentId];
                return new Entry(request with { FirstFailedAt = first }, intents);
            });
    }

    /// <inheritdoc />
    public ValueTask<long?> GetBacklogAsync(string migrationName, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<long?>(_pending.Keys.Count(k => k.Migration == migrationName));

    /// <summary>
    /// Repairs every pending request from the store that is authoritative now, by state. Requests that fail again stay pending.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the repair.</param>
    /// <returns>The number of rows repaired.</returns>
    public async Task<int> RepairAsync(CancellationToken cancellationToken = default)
    {
        var registry = _services.GetRequiredService<MigrationRegistry>();
        var repaired = 0;
        foreach (var group in _pending.Keys.GroupBy(k => (k.Migration, k.Target)).ToList())
        {
            var runtime = registry.Get(group.Key.Migration);
            var authoritative = PhaseRouting.Authoritative(runtime.CurrentPhase.Phase);
            if (authoritative == group.Key.Target)
            {
                // The target became authoritative since: it must not be overwritten from the other store. Verification owns these rows.
                continue;
            }

            var keys = group.Select(k => k.Key).ToList();
            var result = await runtime.Applier.ApplyAsync(async: true, authoritative, keys, cancellationToken).ConfigureAwait(false);
            var failed = result.Failed.ToHashSet();
            var completed = new List<string>();
            foreach (var key in keys.Where(k => !failed.Contains(k)))
            {
                if (_pending.TryRemove((group.Key.Migration, group.Key.Target, key), out var done))
                {
                    completed.AddRange(done.IntentIds);
                }

                repaired++;
            }

            await runtime.Intents.CompleteNowAsync(authoritative, completed, cancellationToken).ConfigureAwait(false);

            Log.RepairApplied(runtime.Logger, runtime.Name, keys.Count - failed.Count, MigrationTelemetry.StoreName(group.Key.Target));
        }

        return repaired;
    }

    private sealed record Entry(RepairRequest Request, IReadOnlyList<string> IntentIds);
}
