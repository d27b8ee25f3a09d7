namespace MigrationMiddleware.Phases;

/// <summary>
/// The phases a migration walks through. Each phase fixes which store serves reads, which store is
/// authoritative, and in which order writes reach the stores. See <see cref="PhaseRouting"/>.
/// </summary>
public enum MigrationPhase
{
    /// <summary>Reads and writes use the old store only. The new store is not touched.</summary>
    OldOnly = 0,

    /// <summary>Reads use the old store. Writes go to the old store, then best-effort to the new store.</summary>
    DualWrite = 1,

    /// <summary>As <see cref="DualWrite"/>, and reads are also run against the new store for comparison.</summary>
    ShadowRead = 2,

    /// <summary>The new store is authoritative: reads use it, and writes go to it first, then best-effort to the old store.</summary>
    Cutover = 3,

    /// <summary>Reads and writes use the new store only. The old store is no longer kept in sync.</summary>
    NewOnly = 4,
}
