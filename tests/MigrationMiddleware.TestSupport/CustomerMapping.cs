using Microsoft.EntityFrameworkCore;
using MigrationMiddleware.TestSupport.Legacy;
using MigrationMiddleware.TestSupport.Modern;

namespace MigrationMiddleware.TestSupport;

/// <summary>The per-entity mapping the tests register, in both directions.</summary>
public static class CustomerMapping
{
    public static Modern.Customer ToNew(Legacy.Customer c) => new()
    {
        Id = c.Id,
        FullName = c.Name,
        Email = c.Email,
        Address = c.Address is null ? null : new Modern.Address { City = c.Address.City },
    };

    public static Legacy.Customer ToOld(Modern.Customer c) => new()
    {
        Id = c.Id,
        Name = c.FullName,
        Email = c.Email,
        Address = c.Address is null ? null : new Legacy.Address { City = c.Address.City },
    };

    public static async Task<List<string>> OldRowsAsync(LegacyDb db) =>
        (await db.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync()).ConvertAll(c => $"{c.Id} {c.Name} {c.Email} {c.Address?.City}");

    public static async Task<List<string>> NewRowsAsync(ModernDb db) =>
        (await db.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync()).ConvertAll(c => $"{c.Id} {c.FullName} {c.Email} {c.Address?.City}");
}
