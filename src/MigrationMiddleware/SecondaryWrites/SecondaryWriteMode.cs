namespace MigrationMiddleware.SecondaryWrites;

/// <summary>When the best-effort write to the secondary store happens.</summary>
public enum SecondaryWriteMode
{
    /// <summary>Before <c>SaveChanges</c> returns (or before the transaction commit call returns). Lowest lag, adds the secondary's latency to the caller.</summary>
    Inline = 0,

    /// <summary>In the background, batched and in order per key, through a bounded queue. The caller pays almost nothing.</summary>
    Deferred = 1,
}
