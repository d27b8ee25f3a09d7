namespace MigrationMiddleware.Reconciliation;

/// <summary>
/// A repair request that can never succeed: it names a migration, entity type or key that does not exist here, or a key in the
/// wrong form. Retrying cannot help; transports should move such requests to their error queue at once.
/// </summary>
public sealed class InvalidRepairRequestException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="InvalidRepairRequestException"/> class.</summary>
    public InvalidRepairRequestException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidRepairRequestException"/> class.</summary>
    /// <param name="message">What is wrong with the request.</param>
    public InvalidRepairRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidRepairRequestException"/> class.</summary>
    /// <param name="message">What is wrong with the request.</param>
    /// <param name="innerException">The error that revealed it.</param>
    public InvalidRepairRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
