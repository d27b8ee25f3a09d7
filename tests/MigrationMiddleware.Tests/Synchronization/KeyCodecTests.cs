using Microsoft.EntityFrameworkCore;
using MigrationMiddleware.Synchronization;
using Xunit;

namespace MigrationMiddleware.Tests.Synchronization;

public sealed class KeyCodecTests
{
    public enum Color
    {
        Red = 1,
        Blue = 2,
    }

    public readonly record struct SkuCode(string Value);

    [Fact]
    public void Every_key_type_survives_a_round_trip_through_text()
    {
        using var db = new KeysDb();
        var properties = db.Model.FindEntityType(typeof(EveryKey))!.FindPrimaryKey()!.Properties;
        object?[] values =
        [
            42, 9_000_000_000L, (short)7, Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"), "Ünïcode 名前", 12.50m,
            new DateTime(2026, 11, 21, 10, 30, 0, DateTimeKind.Utc), new DateTimeOffset(2026, 11, 21, 10, 30, 0, TimeSpan.FromHours(2)),
            new DateOnly(2026, 11, 21), Color.Blue, new byte[] { 0, 255, 16 }, new SkuCode("A-1"),
        ];
        var ordered = properties.Select(p => values[Array.IndexOf(EveryKey.Order, p.Name)]).ToArray();

        var texts = KeyCodec.Encode(properties, ordered);
        var decoded = KeyCodec.Decode(properties, texts);

        Assert.Equal(new EntityKey("k", ordered), new EntityKey("k", decoded));
        Assert.Contains("2026-11-21T10:30:00.0000000+02:00", texts);
        Assert.Contains("2", texts);
        Assert.Contains("A-1", texts);
    }

    [Fact]
    public void Malformed_text_is_a_format_error_that_names_the_property()
    {
        using var db = new KeysDb();
        var key = db.Model.FindEntityType(typeof(Simple))!.FindPrimaryKey()!.Properties;
        Assert.Equal(
            "'twelve' is not a valid value for key property 'Id' (Int32).",
            Assert.Throws<FormatException>(() => KeyCodec.Decode(key, ["twelve"])).Message);
        Assert.Equal(
            "The key has 1 value(s) (Id), not 2.",
            Assert.Throws<FormatException>(() => KeyCodec.Decode(key, ["1", "2"])).Message);
    }

    public sealed class Simple
    {
        public int Id { get; set; }
    }

    public sealed class EveryKey
    {
        public static readonly string[] Order = ["Int", "Long", "Short", "Guid", "Text", "Money", "When", "WhenOffset", "Day", "Color", "Bytes", "Sku"];

        public int Int { get; set; }

        public long Long { get; set; }

        public short Short { get; set; }

        public Guid Guid { get; set; }

        public string Text { get; set; } = string.Empty;

        public decimal Money { get; set; }

        public DateTime When { get; set; }

        public DateTimeOffset WhenOffset { get; set; }

        public DateOnly Day { get; set; }

        public Color Color { get; set; }

        public byte[] Bytes { get; set; } = [];

        public SkuCode Sku { get; set; }
    }

    private sealed class KeysDb : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.UseSqlite("Data Source=:memory:");

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Simple>();
            modelBuilder.Entity<EveryKey>(e =>
            {
                e.HasKey(EveryKey.Order);
                e.Property(k => k.Sku).HasConversion(s => s.Value, v => new SkuCode(v));
            });
        }
    }
}
