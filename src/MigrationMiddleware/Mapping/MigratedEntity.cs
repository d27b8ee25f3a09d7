using Microsoft.EntityFrameworkCore.Metadata;
using MigrationMiddleware.Phases;
using MigrationMiddleware.Synchronization;

namespace MigrationMiddleware.Mapping;

/// <summary>One aggregate root type that takes part in a migration, with its entity type name in each store's model.</summary>
internal sealed class MigratedEntity(string oldTypeName, string newTypeName, IReadOnlyList<IProperty> keyProperties, EntityMapping? mapping)
{
    /// <summary>Gets the canonical name: the entity type name in the old store's model.</summary>
    public string Name => OldTypeName;

    public string OldTypeName { get; } = oldTypeName;

    public string NewTypeName { get; } = newTypeName;

    /// <summary>Gets the primary key properties in the old model: their CLR types are the canonical types of key values.</summary>
    public IReadOnlyList<IProperty> KeyProperties { get; } = keyProperties;

    /// <summary>Gets the mapping between the two models, or <see langword="null"/> when both stores share the model.</summary>
    public EntityMapping? Mapping { get; } = mapping;

    public string TypeName(StoreRole store) => store == StoreRole.Old ? OldTypeName : NewTypeName;

    /// <summary>Creates the canonical key of a row from key values read in either store.</summary>
    public EntityKey CreateKey(IReadOnlyList<object?> values)
    {
        if (values.Count != KeyProperties.Count)
        {
            throw new ArgumentException($"'{Name}' has a key of {KeyProperties.Count} value(s), not {values.Count}.", nameof(values));
        }

        var canonical = new object?[values.Count];
        for (var i = 0; i < canonical.Length; i++)
        {
            canonical[i] = KeyValues.ConvertTo(values[i], KeyProperties[i].ClrType);
        }

        return new EntityKey(Name, canonical);
    }

    /// <summary>Writes a canonical key as invariant text, for messages and intent rows.</summary>
    public string?[] EncodeKey(EntityKey key) => KeyCodec.Encode(KeyProperties, key.Values);

    /// <summary>Reads a key written by <see cref="EncodeKey"/>.</summary>
    /// <exception cref="FormatException">The texts do not fit this entity's key.</exception>
    public EntityKey DecodeKey(IReadOnlyList<string?> texts) => new(Name, KeyCodec.Decode(KeyProperties, texts));
}
