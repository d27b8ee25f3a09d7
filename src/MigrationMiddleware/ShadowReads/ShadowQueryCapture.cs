using Microsoft.EntityFrameworkCore;

namespace MigrationMiddleware.ShadowReads;

/// <summary>
/// Learns which context ran a query. A composed <c>IQueryable</c> does not expose its context, but every command it runs passes
/// the interceptor with it; while a capture is active on the async flow, the interceptor records the first one.
/// </summary>
internal sealed class ShadowQueryCapture : IDisposable
{
    private static readonly AsyncLocal<ShadowQueryCapture?> Active = new();
    private readonly ShadowQueryCapture? _previous;

    private ShadowQueryCapture()
    {
        _previous = Active.Value;
        Active.Value = this;
    }

    public static ShadowQueryCapture? Current => Active.Value;

    public DbContext? Context { get; private set; }

    public static ShadowQueryCapture Begin() => new();

    public void Record(DbContext? context) => Context ??= context;

    public void Dispose() => Active.Value = _previous;
}
