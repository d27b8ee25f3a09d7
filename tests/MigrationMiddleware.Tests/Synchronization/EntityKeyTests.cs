using MigrationMiddleware.Synchronization;
using Xunit;

namespace MigrationMiddleware.Tests.Synchronization;

public sealed class EntityKeyTests
{
    [Fact]
    public void Keys_are_equal_by_type_name_and_values()
    {
        var key = new EntityKey("Shop.Order", [42, "A"]);
        Assert.Equal(key, new EntityKey("Shop.Order", [42, "A"]));
        Assert.Equal(key.GetHashCode(), new EntityKey("Shop.Order", [42, "A"]).GetHashCode());
        Assert.NotEqual(key, new EntityKey("Shop.Customer", [42, "A"]));
        Assert.NotEqual(key, new EntityKey("Shop.Order", [42, "B"]));
        Assert.NotEqual(key, new EntityKey("Shop.Order", [42L, "A"]));
    }

    [Fact]
    public void Binary_keys_compare_by_content()
    {
        var key = new EntityKey("Blob", [new byte[] { 1, 2, 3 }]);
        Assert.Equal(key, new EntityKey("Blob", [new byte[] { 1, 2, 3 }]));
        Assert.Equal(key.GetHashCode(), new EntityKey("Blob", [new byte[] { 1, 2, 3 }]).GetHashCode());
        Assert.NotEqual(key, new EntityKey("Blob", [new byte[] { 1, 2, 4 }]));
        Assert.Equal("(010203)", key.ValuesText);
    }

    [Fact]
    public void Key_text_is_culture_invariant()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.Equal("Shop.Price(1.5, null)", new EntityKey("Shop.Price", [1.5m, null]).ToString());
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }
}
