namespace MigrationMiddleware.Phases;

/// <summary>Identifies one of the two stores of a migration.</summary>
public enum StoreRole
{
    /// <summary>The store the service used before the migration.</summary>
    Old = 0,

    /// <summary>The store the service moves to.</summary>
    New = 1,
}
