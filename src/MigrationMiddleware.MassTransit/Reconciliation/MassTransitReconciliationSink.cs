using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Telemetry;

namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// Publishes repair requests through MassTransit from a background task, so callers never wait on the broker. A request that has
/// no durable intent yet (the outbox is off) is first recorded as one in its source store; a request whose publish fails stays
/// recorded there and is relayed once the broker is back. After a successful publish the intent's next relay is postponed, so
/// it is not resent while it waits in the queue; the consumer deletes it once the row is repaired.
/// </summary>
internal sealed class MassTransitReconciliationSink(
    IServiceProvider services,
    IOptions<MassTransitReconciliationOptions> options,
    ILogger<MassTransitReconciliationSink> logger) : IReconciliationSink, IHostedService, IAsyncDisposable
{
    private const int BatchSize = 256;

    private readonly Channel<RepairRequest> _requests = Channel.CreateUnbounded<RepairRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Task? _publisher;

    public void Submit(RepairRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _requests.Writer.TryWrite(request);
        if (_publisher is null)
        {
            lock (_lock)
            {
                _publisher ??= Task.Run(PublishAsync, CancellationToken.None);
            }
        }
    }

    /// <summary>The backlog lives in the broker and the intent tables; the switch gate counts the intents.</summary>
    public ValueTask<long?> GetBacklogAsync(string migrationName, CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _requests.Writer.TryComplete();
        if (_publisher is { } publisher)
        {
            try
            {
                await publisher.WaitAsync(options.Value.PublishTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await _stopping.CancelAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await _stopping.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task PublishAsync()
    {
        var reader = _requests.Reader;
        var batch = new List<RepairRequest>(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (batch.Count < BatchSize && reader.TryRead(out var request))
                {
                    batch.Add(request);
                }

                foreach (var group in batch.GroupBy(r => r.MigrationName))
                {
                    await PublishMigrationAsync(group.Key, [.. group]).ConfigureAwait(false);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task PublishMigrationAsync(string migration, List<RepairRequest> requests)
    {
        var runtime = services.GetRequiredService<MigrationRegistry>().Get(migration);
        var unrecorded = requests.Where(r => r.IntentId is null).ToList();
        if (unrecorded.Count > 0)
        {
            try
            {
                var recorded = await runtime.Intents.SpoolAsync(unrecorded, _stopping.Token).ConfigureAwait(false);
                requests = [.. requests.Where(r => r.IntentId is not null), .. recorded];
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                Log.RepairSpoolFailed(logger, ex, migration, unrecorded.Count);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(options.Value.PublishTimeout);
        try
        {
            var bus = services.GetRequiredService<IBus>();
            await bus.PublishBatch(requests.Select(r => ToMessage(runtime, r)), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested || ex is not OperationCanceledException)
        {
            Log.RepairPublishFailed(logger, ex, migration, requests.Count);
            return;
        }

        foreach (var group in requests.Where(r => r.IntentId is not null).GroupBy(r => PhaseRouting.Other(r.TargetStore)))
        {
            try
            {
                await runtime.Intents.PostponeAsync(group.Key, [.. group.Select(r => r.IntentId!)], _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                // Not postponed: the intents are relayed once more and their repairs find nothing to change.
                Log.RepairPostponeFailed(logger, ex, migration, group.Count());
            }
        }
    }

    private static RepairEntity ToMessage(MigrationRuntime runtime, RepairRequest request)
    {
        var entity = runtime.Entities.FindByName(request.EntityType)!;
        return new RepairEntity
        {
            MigrationName = request.MigrationName,
            EntityType = request.EntityType,
            KeyValues = entity.EncodeKey(entity.CreateKey(request.KeyValues)),
            TargetStore = request.TargetStore,
            Reason = request.Reason,
            FirstFailedAt = request.FirstFailedAt,
            IntentId = request.IntentId,
            Detail = request.Detail,
        };
    }
}
