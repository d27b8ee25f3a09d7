namespace MigrationMiddleware.Phases;

/// <summary>The effective phase of one migration. Reads are lock-free; only the phase monitor writes.</summary>
internal sealed class MigrationPhaseState(MigrationPhase initial, Action ensureRead)
{
    private PhaseSnapshot _current = new(initial, 0);
#pragma warning disable IDE0044 // written through Volatile.Write
#pragma warning restore IDE0044
    private volatile bool _read;

    /// <summary>Gets the effective phase, reading the flag first if it has never been read.</summary>
    public PhaseSnapshot Current
    {
        get
        {
            if (!_read)
            {
                ensureRead();
            }

            return Volatile.Read(ref _current);
        }
    }

    /// <summary>Gets the effective phase without reading the flag.</summary>
    public PhaseSnapshot Peek => Volatile.Read(ref _current);

    /// <summary>Gets whether the flag has been evaluated at least once (successfully or not).</summary>
    public bool HasBeenRead => _read;

    /// <summary>Gets whether a valid phase has been read from the flag at least once.</summary>
    public bool HasValidReading { get; set; }

    /// <summary>Gets or sets the last reason an authority switch was refused, or <see langword="null"/>.</summary>
    public string? LastRefusal { get; set; }

    /// <summary>Gets or sets the last invalid flag value that was logged, so the same problem is logged once, not at every refresh.</summary>
    public string? LastInvalidValue { get; set; }

    public void MarkRead() => _read = true;

    public PhaseSnapshot Set(MigrationPhase phase)
    {
        var next = new PhaseSnapshot(phase, Volatile.Read(ref _current).Version + 1);
        Volatile.Write(ref _current, next);
        return next;
    }
}
