namespace MigrationMiddleware.Mapping;

/// <summary>
/// How one old-model entity type corresponds to one new-model entity type when the new store has a different model.
/// Both directions are needed: the new store is written from the old one before cutover, and the old store from the new one after.
/// </summary>
internal sealed class EntityMapping(Type oldClrType, Type newClrType, Func<object, object> toNew, Func<object, object> toOld)
{
    public Type OldClrType { get; } = oldClrType;

    public Type NewClrType { get; } = newClrType;

    public object Map(object source, Phases.StoreRole targetStore) =>
        targetStore == Phases.StoreRole.New ? toNew(source) : toOld(source);
}
