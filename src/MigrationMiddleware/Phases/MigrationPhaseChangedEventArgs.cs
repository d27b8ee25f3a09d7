namespace MigrationMiddleware.Phases;

/// <summary>Describes a change of the effective phase of a migration.</summary>
/// <param name="migrationName">The migration.</param>
/// <param name="previousPhase">The phase before the change.</param>
/// <param name="phase">The phase now in effect.</param>
public sealed class MigrationPhaseChangedEventArgs(string migrationName, MigrationPhase previousPhase, MigrationPhase phase) : EventArgs
{
    /// <summary>Gets the migration.</summary>
    public string MigrationName { get; } = migrationName;

    /// <summary>Gets the phase before the change.</summary>
    public MigrationPhase PreviousPhase { get; } = previousPhase;

    /// <summary>Gets the phase now in effect.</summary>
    public MigrationPhase Phase { get; } = phase;
}
