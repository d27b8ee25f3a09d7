namespace MigrationMiddleware.Phases;

/// <summary>
/// The routing table of the phases: the single place that says which store a phase reads from,
/// which store is authoritative, and whether the other store receives writes.
/// </summary>
public static class PhaseRouting
{
    /// <summary>Gets the store whose answer is returned to callers and which receives writes first.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns><see cref="StoreRole.Old"/> before <see cref="MigrationPhase.Cutover"/>, otherwise <see cref="StoreRole.New"/>.</returns>
    public static StoreRole Authoritative(MigrationPhase phase) =>
        phase >= MigrationPhase.Cutover ? StoreRole.New : StoreRole.Old;

    /// <summary>Gets the store that serves reads. It is always the authoritative store.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns>The store that serves reads.</returns>
    public static StoreRole ReadStore(MigrationPhase phase) => Authoritative(phase);

    /// <summary>Gets whether the non-authoritative store receives writes (after the authoritative one) in this phase.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns><see langword="true"/> for <see cref="MigrationPhase.DualWrite"/>, <see cref="MigrationPhase.ShadowRead"/> and <see cref="MigrationPhase.Cutover"/>.</returns>
    public static bool WritesSecondary(MigrationPhase phase) =>
        phase is MigrationPhase.DualWrite or MigrationPhase.ShadowRead or MigrationPhase.Cutover;

    /// <summary>Gets the store that receives the best-effort second write, if any.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns>The non-authoritative store, or <see langword="null"/> when the phase writes one store only.</returns>
    public static StoreRole? Secondary(MigrationPhase phase) =>
        WritesSecondary(phase) ? Other(Authoritative(phase)) : null;

    /// <summary>Gets the stores written by a phase, in the order they are written.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns>One or two stores, authoritative first.</returns>
    public static IReadOnlyList<StoreRole> WriteOrder(MigrationPhase phase) => phase switch
    {
        MigrationPhase.OldOnly => [StoreRole.Old],
        MigrationPhase.DualWrite or MigrationPhase.ShadowRead => [StoreRole.Old, StoreRole.New],
        MigrationPhase.Cutover => [StoreRole.New, StoreRole.Old],
        MigrationPhase.NewOnly => [StoreRole.New],
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "Unknown migration phase."),
    };

    /// <summary>Gets the other store.</summary>
    /// <param name="store">A store.</param>
    /// <returns>The store that is not <paramref name="store"/>.</returns>
    public static StoreRole Other(StoreRole store) => store == StoreRole.Old ? StoreRole.New : StoreRole.Old;
}
