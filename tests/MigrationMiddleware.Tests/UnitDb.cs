using Microsoft.EntityFrameworkCore;

namespace MigrationMiddleware.Tests;

/// <summary>A tiny model for tests that need EF metadata but no database.</summary>
public sealed class UnitDb(DbContextOptions<UnitDb> options) : DbContext(options)
{
    public DbSet<Item> Items => Set<Item>();
}

public sealed class OtherDb(DbContextOptions<OtherDb> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();
}

public sealed class Item
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;
}

public sealed class Product
{
    public int Id { get; set; }

    public string Title { get; set; } = string.Empty;
}

public sealed class NotAnEntity
{
    public int Id { get; set; }
}
