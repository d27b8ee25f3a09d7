using MigrationMiddleware.Synchronization;
using Xunit;

namespace MigrationMiddleware.Tests.Synchronization;

public sealed class KeyValuesTests
{
    private enum Tier
    {
        Basic = 1,
        Gold = 2,
    }

    [Fact]
    public void Key_values_convert_to_the_other_models_key_types()
    {
        Assert.Equal(7L, KeyValues.ConvertTo(7, typeof(long)));
        Assert.Equal(7, KeyValues.ConvertTo(7L, typeof(int)));
        Assert.Equal(7, KeyValues.ConvertTo(7L, typeof(int?)));
        Assert.Equal(Tier.Gold, KeyValues.ConvertTo(2, typeof(Tier)));
        var id = Guid.NewGuid();
        Assert.Equal(id, KeyValues.ConvertTo(id.ToString(), typeof(Guid)));
        Assert.Equal("abc", KeyValues.ConvertTo("abc", typeof(string)));
        Assert.Null(KeyValues.ConvertTo(null, typeof(int)));
    }
}
