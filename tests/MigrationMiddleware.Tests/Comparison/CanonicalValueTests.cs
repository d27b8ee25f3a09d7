using MigrationMiddleware.Comparison;
using Xunit;

namespace MigrationMiddleware.Tests.Comparison;

public sealed class CanonicalValueTests
{
    [Fact]
    public void Date_times_compare_by_wall_clock_to_the_microsecond_whatever_their_kind()
    {
        var written = new DateTime(2026, 11, 21, 10, 30, 15, DateTimeKind.Utc).AddTicks(1234567);
        var fromSqlite = DateTime.SpecifyKind(written, DateTimeKind.Unspecified);
        var fromPostgres = new DateTime(written.Ticks - (written.Ticks % 10), DateTimeKind.Utc);

        Assert.True(CanonicalValue.AreEqual(null, written, fromSqlite));
        Assert.True(CanonicalValue.AreEqual(null, fromSqlite, fromPostgres));
        Assert.False(CanonicalValue.AreEqual(null, written, written.AddTicks(10)));
        Assert.True(CanonicalValue.AreEqual(null, written.ToLocalTime(), written));
    }

    [Fact]
    public void Date_time_offsets_compare_by_instant()
    {
        var inParis = new DateTimeOffset(2026, 11, 21, 12, 30, 15, TimeSpan.FromHours(2)).AddTicks(7654321);
        var inUtc = inParis.ToUniversalTime();
        Assert.True(CanonicalValue.AreEqual(null, inParis, new DateTimeOffset(inUtc.UtcTicks - (inUtc.UtcTicks % 10), TimeSpan.Zero)));
        Assert.False(CanonicalValue.AreEqual(null, inParis, inParis.AddMinutes(1)));
    }

    [Fact]
    public void Other_types_compare_by_value()
    {
        Assert.True(CanonicalValue.AreEqual(null, 12.5m, 12.500000m));
        Assert.False(CanonicalValue.AreEqual(null, 12.5m, 12.51m));
        Assert.True(CanonicalValue.AreEqual(null, new byte[] { 1, 2 }, new byte[] { 1, 2 }));
        Assert.False(CanonicalValue.AreEqual(null, new byte[] { 1, 2 }, new byte[] { 2, 1 }));
        Assert.True(CanonicalValue.AreEqual(null, null, null));
        Assert.False(CanonicalValue.AreEqual(null, null, string.Empty));
        Assert.True(CanonicalValue.AreEqual(null, "Zürich 東京", "Zürich 東京"));
        Assert.False(CanonicalValue.AreEqual(null, "e\u0301", "\u00e9"));
        Assert.False(CanonicalValue.AreEqual(null, "a ", "a"));
        Assert.True(CanonicalValue.AreEqual(null, TimeSpan.FromTicks(15), TimeSpan.FromTicks(10)));
        Assert.True(CanonicalValue.AreEqual(null, Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"), Guid.Parse("6F9619FF-8B86-D011-B42D-00CF4FC964FF")));
    }

    [Fact]
    public void Values_are_formatted_invariantly_for_logs()
    {
        Assert.Equal("'x'", CanonicalValue.Format("x"));
        Assert.Equal("null", CanonicalValue.Format(null));
        Assert.Equal("0x00FF", CanonicalValue.Format(new byte[] { 0, 255 }));
        Assert.Equal("2026-11-21T10:30:15.123456", CanonicalValue.Format(new DateTime(2026, 11, 21, 10, 30, 15, DateTimeKind.Utc).AddTicks(1234567)));
        Assert.Equal("1.5", CanonicalValue.Format(1.5m));
    }
}
