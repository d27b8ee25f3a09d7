namespace MigrationMiddleware.Synchronization;

/// <summary>The outcome of applying a set of keys to a store.</summary>
/// <param name="Applied">How many keys now hold the source's state in the target.</param>
/// <param name="Failed">The keys that could not be applied.</param>
/// <param name="Error">The last error, or <see langword="null"/> when the failed keys' source rows kept changing while being copied.</param>
internal sealed record ApplyResult(int Applied, IReadOnlyList<EntityKey> Failed, Exception? Error)
{
    public static readonly ApplyResult Empty = new(0, [], null);

    public bool Succeeded => Failed.Count == 0;
}
