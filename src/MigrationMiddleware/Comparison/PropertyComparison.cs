namespace MigrationMiddleware.Comparison;

/// <summary>One property of one row, as read from the authoritative store and from the other store, for a custom comparison.</summary>
/// <param name="EntityType">The entity type name from the EF model.</param>
/// <param name="PropertyPath">The property's path in the aggregate, such as <c>Name</c> or <c>Address.City</c>.</param>
/// <param name="AuthoritativeValue">The value read from the authoritative store.</param>
/// <param name="SecondaryValue">The value read from the other store.</param>
public sealed record PropertyComparison(string EntityType, string PropertyPath, object? AuthoritativeValue, object? SecondaryValue);
