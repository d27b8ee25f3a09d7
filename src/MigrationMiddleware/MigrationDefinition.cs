using Microsoft.EntityFrameworkCore;
using MigrationMiddleware.Mapping;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware;

/// <summary>What was registered for one named migration.</summary>
internal sealed class MigrationDefinition
{
    private readonly List<EntityMapping> _mappings = [];

    private MigrationDefinition(string name, Type oldContextType, Type newContextType, Func<IServiceProvider, DbContextOptions>? newStoreOptions)
    {
        Name = name;
        OldContextType = oldContextType;
        NewContextType = newContextType;
        NewStoreOptions = newStoreOptions;
    }

    public string Name { get; }

    public Type OldContextType { get; }

    public Type NewContextType { get; }

    /// <summary>
    /// Builds the options of the application's context for the new store when both stores share one model.
    /// <see langword="null"/> when the new store has its own context type.
    /// </summary>
    public Func<IServiceProvider, DbContextOptions>? NewStoreOptions { get; }

    /// <summary>Gets whether both stores use the same context type, whose instances are bound to the authoritative store.</summary>
    public bool SharesModel => NewStoreOptions is not null;

    public IReadOnlyList<EntityMapping> Mappings => _mappings;

    public static MigrationDefinition SharedModel(string name, Type contextType, Func<IServiceProvider, DbContextOptions> newStoreOptions) =>
        new(name, contextType, contextType, newStoreOptions);

    public static MigrationDefinition SeparateModels(string name, Type oldContextType, Type newContextType) =>
        new(name, oldContextType, newContextType, null);

    public Type ContextType(StoreRole store) => store == StoreRole.Old ? OldContextType : NewContextType;

    public void AddMapping(EntityMapping mapping)
    {
        if (_mappings.Any(m => m.OldClrType == mapping.OldClrType || m.NewClrType == mapping.NewClrType))
        {
            throw new InvalidOperationException(
                $"Migration '{Name}' already maps '{mapping.OldClrType.Name}' or '{mapping.NewClrType.Name}'. Each entity type can be mapped once.");
        }

        _mappings.Add(mapping);
    }
}
