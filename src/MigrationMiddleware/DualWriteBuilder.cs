using Microsoft.Extensions.DependencyInjection;

namespace MigrationMiddleware;

internal sealed class DualWriteBuilder(IServiceCollection services, MigrationDefinition definition) : IDualWriteBuilder
{
    public IServiceCollection Services { get; } = services;

    public string MigrationName => Definition.Name;

    public MigrationDefinition Definition { get; } = definition;

    public static MigrationDefinition DefinitionOf(IDualWriteBuilder builder) =>
        builder is DualWriteBuilder own
            ? own.Definition
            : throw new ArgumentException("The builder must come from AddDualWrite.", nameof(builder));
}
