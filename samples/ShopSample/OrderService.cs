using Microsoft.EntityFrameworkCore;

namespace ShopSample;

/// <summary>The service's own code: it uses its context as it always did.</summary>
public sealed class OrderService(ShopContext db)
{
    public async Task<Order> PlaceOrderAsync(string customerName, params (string Sku, int Quantity, decimal Price)[] lines)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Name == customerName) ?? new Customer { Name = customerName };
        var order = new Order { Lines = [.. lines.Select((l, i) => new OrderLine { LineNo = i + 1, Sku = l.Sku, Quantity = l.Quantity, UnitPrice = l.Price })] };
        order.Total = order.Lines.Sum(l => l.Quantity * l.UnitPrice);
        customer.Orders.Add(order);
        if (customer.Id == 0)
        {
            db.Customers.Add(customer);
        }

        await db.SaveChangesAsync();
        return order;
    }

    public async Task RenameAsync(string from, string to)
    {
        var customer = await db.Customers.SingleAsync(c => c.Name == from);
        customer.Name = to;
        await db.SaveChangesAsync();
    }

    public async Task CancelOrderAsync(int orderId)
    {
        db.Orders.Remove(await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Id == orderId));
        await db.SaveChangesAsync();
    }

    public Task<int> CountCustomersAsync() => db.Customers.CountAsync();
}
