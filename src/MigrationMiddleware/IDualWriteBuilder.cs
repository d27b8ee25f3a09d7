using Microsoft.Extensions.DependencyInjection;

namespace MigrationMiddleware;

/// <summary>Configures one named migration. Add-ons (repositories, reconciliation transports) are extension methods on it.</summary>
public interface IDualWriteBuilder
{
    /// <summary>Gets the service collection the migration is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>Gets the name of the migration.</summary>
    string MigrationName { get; }
}
