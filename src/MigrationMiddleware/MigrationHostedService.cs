using Microsoft.Extensions.Hosting;

namespace MigrationMiddleware;

/// <summary>Validates the migrations and reads their phases when the host starts; drains deferred writes when it stops.</summary>
internal sealed class MigrationHostedService(MigrationRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => registry.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => registry.StopAsync();
}
