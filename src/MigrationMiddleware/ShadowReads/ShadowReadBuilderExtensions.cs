using Microsoft.Extensions.DependencyInjection;
using MigrationMiddleware.Internal;

namespace MigrationMiddleware.ShadowReads;

/// <summary>Configures a migration's shadow reads.</summary>
public static class ShadowReadBuilderExtensions
{
    /// <summary>Configures how the migration compares reads between its stores (sampling, concurrency, ignore rules, ...).</summary>
    /// <param name="builder">The migration's builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDualWriteBuilder ConfigureShadowReads(this IDualWriteBuilder builder, Action<ShadowReadOptions> configure)
    {
        Check.NotNull(builder);
        Check.NotNull(configure);
        builder.Services.Configure(builder.MigrationName, configure);
        return builder;
    }
}
