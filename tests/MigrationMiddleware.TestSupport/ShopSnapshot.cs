using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace MigrationMiddleware.TestSupport;

/// <summary>Everything a <see cref="ShopDb"/> store holds, one line per row, in key order, for comparing two stores.</summary>
public static class ShopSnapshot
{
    public static async Task<List<string>> CaptureAsync(ShopDb db)
    {
        var lines = new List<string>();
        var customers = await db.Customers.AsNoTracking()
            .Select(c => new { c.Id, c.Name, c.Email, c.CreditLimit, c.Address, By = EF.Property<string?>(c, ShopDb.LastChangedBy) })
            .ToListAsync();
        lines.AddRange(customers.OrderBy(c => c.Id).Select(c =>
            $"customer {c.Id} {c.Name} {c.Email} {Num(c.CreditLimit)} {c.Address?.Street}/{c.Address?.City}/{c.Address?.PostCode} by={c.By}"));

        var orders = await db.Orders.AsNoTracking().ToListAsync();
        foreach (var o in orders.OrderBy(o => o.Id))
        {
            lines.Add($"order {o.Id} c={o.CustomerId} {o.Status} {Num(o.Total)} v={o.Version} notes=[{string.Join("|", o.Notes.OrderBy(n => n.Seq).Select(n => $"{n.Seq}:{n.Text}"))}]");
        }

        var orderLines = await db.OrderLines.AsNoTracking().ToListAsync();
        lines.AddRange(orderLines.OrderBy(l => l.OrderId).ThenBy(l => l.LineNo)
            .Select(l => $"line {l.OrderId}/{l.LineNo} {l.Sku} x{l.Quantity} @{Num(l.UnitPrice)}"));
        return lines;
    }

    private static string Num(decimal value) => value.ToString("0.##########", CultureInfo.InvariantCulture);
}
