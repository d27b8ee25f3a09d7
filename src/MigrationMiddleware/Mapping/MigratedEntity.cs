using MigrationMiddleware.Phases;
using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware.Mapping;

/// <summary>One aggregate root type that takes part in a migration, with its entity type name in each store's model.</summary>
internal sealed class MigratedEntity(string oldTypeName, string newTypeName, IReadOnlyList<Type> keyTypes, EntityMapping? mapping)
{
    /// <summary>Gets the canonical name: the entity type name in the old store's model.</summary>
    public string Name => OldTypeName;

    public string OldTypeName { get; } = oldTypeName;

    public string NewTypeName { get; } = newTypeName;

    /// <summary>Gets the CLR types of the primary key in the old model: the canonical types of key values.</summary>
    public IReadOnlyList<Type> KeyTypes { get; } = keyTypes;

    /// <summary>Gets the mapping between the two models, or <see langword="null"/> when both stores share the model.</summary>
    public EntityMapping? Mapping { get; } = mapping;

    public string TypeName(StoreRole store) => store == StoreRole.Old ? OldTypeName : NewTypeName;

    /// <summary>Creates the canonical key of a row from key values read in either store.</summary>
    public EntityKey CreateKey(IReadOnlyList<object?> values)
    {
        if (values.Count != KeyTypes.Count)
        {
            throw new ArgumentException($"'{Name}' has a key of {KeyTypes.Count} value(s), not {values.Count}.", nameof(values));
        }

        var canonical = new object?[values.Count];
        for (var i = 0; i < canonical.Length; i++)
        {
            canonical[i] = KeyValues.ConvertTo(values[i], KeyTypes[i]);
        }

        return new EntityKey(Name, canonical);
    }
}
