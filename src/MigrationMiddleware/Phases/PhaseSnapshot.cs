namespace MigrationMiddleware.Phases;

/// <summary>A phase as seen at one moment; <paramref name="Version"/> grows by one at every change.</summary>
internal sealed record PhaseSnapshot(MigrationPhase Phase, long Version);
