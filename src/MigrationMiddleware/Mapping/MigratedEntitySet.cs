using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Mapping;

/// <summary>
/// The allow-list of entity types a migration moves, resolved against both stores' EF models.
/// Names coming from messages are only ever looked up here; nothing is loaded by a name a payload supplies.
/// </summary>
internal sealed class MigratedEntitySet
{
    private readonly Dictionary<string, MigratedEntity> _byOldName;
    private readonly Dictionary<string, MigratedEntity> _byNewName;
    private readonly Dictionary<Type, MigratedEntity> _byOldClrType = [];
    private readonly Dictionary<Type, MigratedEntity> _byNewClrType = [];

    private MigratedEntitySet(IEnumerable<(MigratedEntity Entity, IEntityType Old, IEntityType New)> entities)
    {
        foreach (var (entity, oldType, newType) in entities)
        {
            // Shared-type entities (property bags) have no CLR type of their own to look up by.
            if (!oldType.HasSharedClrType)
            {
                _byOldClrType[oldType.ClrType] = entity;
            }

            if (!newType.HasSharedClrType)
            {
                _byNewClrType[newType.ClrType] = entity;
            }
        }

        var list = entities.Select(e => e.Entity).ToList();
        _byOldName = list.ToDictionary(e => e.OldTypeName, StringComparer.Ordinal);
        _byNewName = list.ToDictionary(e => e.NewTypeName, StringComparer.Ordinal);
        All = list;
    }

    public IReadOnlyList<MigratedEntity> All { get; }

    /// <summary>Finds the migrated entity whose aggregate root, in <paramref name="store"/>'s model, is named <paramref name="typeName"/>.</summary>
    public MigratedEntity? Find(StoreRole store, string typeName) =>
        (store == StoreRole.Old ? _byOldName : _byNewName).GetValueOrDefault(typeName);

    /// <summary>Finds the migrated entity whose aggregate root, in <paramref name="store"/>'s model, has the CLR type <paramref name="clrType"/>.</summary>
    public MigratedEntity? Find(StoreRole store, Type clrType) =>
        (store == StoreRole.Old ? _byOldClrType : _byNewClrType).GetValueOrDefault(clrType);

    /// <summary>Finds a migrated entity by its canonical (old model) name.</summary>
    public MigratedEntity? FindByName(string name) => _byOldName.GetValueOrDefault(name);

    public static MigratedEntitySet Build(MigrationDefinition definition, IModel oldModel, IModel newModel)
    {
        var problems = new List<string>();
        var entities = definition.SharesModel
            ? BuildShared(oldModel, newModel, problems)
            : BuildMapped(definition, oldModel, newModel, problems);

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"Migration '{definition.Name}' cannot be set up:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", problems));
        }

        return new MigratedEntitySet(entities);
    }

    /// <summary>Gets whether an entity type can be synchronized by key: a table-mapped aggregate root with a primary key.</summary>
    public static bool IsSynchronizable(IEntityType entityType) =>
        !entityType.IsOwned()
        && entityType.BaseType is null
        && entityType.FindPrimaryKey() is not null
        && entityType.GetTableName() is not null;

    private static IReadOnlyList<IProperty> KeyTypes(IEntityType entityType) => entityType.FindPrimaryKey()!.Properties;

    private static List<(MigratedEntity, IEntityType, IEntityType)> BuildShared(IModel oldModel, IModel newModel, List<string> problems)
    {
        var result = new List<(MigratedEntity, IEntityType, IEntityType)>();
        foreach (var oldType in oldModel.GetEntityTypes().Where(IsSynchronizable))
        {
            var newType = newModel.FindEntityType(oldType.Name);
            if (newType is null || !IsSynchronizable(newType))
            {
                problems.Add($"Entity type '{oldType.Name}' has no table-mapped counterpart with a primary key in the new store's model.");
                continue;
            }

            result.Add((new MigratedEntity(oldType.Name, newType.Name, KeyTypes(oldType), null), oldType, newType));
        }

        return result;
    }

    private static List<(MigratedEntity, IEntityType, IEntityType)> BuildMapped(MigrationDefinition definition, IModel oldModel, IModel newModel, List<string> problems)
    {
        var result = new List<(MigratedEntity, IEntityType, IEntityType)>();
        if (definition.Mappings.Count == 0)
        {
            problems.Add("No entity is mapped. Call MapEntity<TOld, TNew>(...) for each entity type the migration moves.");
        }

        foreach (var mapping in definition.Mappings)
        {
            var oldType = oldModel.FindEntityType(mapping.OldClrType);
            var newType = newModel.FindEntityType(mapping.NewClrType);
            if (oldType is null)
            {
                problems.Add($"'{mapping.OldClrType.Name}' is not an entity type of {definition.OldContextType.Name}.");
            }

            if (newType is null)
            {
                problems.Add($"'{mapping.NewClrType.Name}' is not an entity type of {definition.NewContextType.Name}.");
            }

            if (oldType is null || newType is null)
            {
                continue;
            }

            if (!IsSynchronizable(oldType) || !IsSynchronizable(newType))
            {
                problems.Add($"'{mapping.OldClrType.Name}' and '{mapping.NewClrType.Name}' must both be table-mapped aggregate roots with a primary key.");
                continue;
            }

            var oldKey = oldType.FindPrimaryKey()!.Properties;
            var newKey = newType.FindPrimaryKey()!.Properties;
            if (oldKey.Count != newKey.Count)
            {
                problems.Add($"'{mapping.OldClrType.Name}' and '{mapping.NewClrType.Name}' must have primary keys of the same length; rows are matched by key values.");
                continue;
            }

            result.Add((new MigratedEntity(oldType.Name, newType.Name, KeyTypes(oldType), mapping), oldType, newType));
        }

        return result;
    }
}
