using MigrationMiddleware.IntegrationTests.Infrastructure;
using MigrationMiddleware.TestSupport;

namespace MigrationMiddleware.IntegrationTests.ShadowReads;

/// <summary>Rows of every tricky type, valid for the given old store (PostgreSQL accepts only UTC offsets for timestamptz).</summary>
public static class MeasurementData
{
    public static List<Measurement> Create(StoreKind oldKind) =>
    [
        new()
        {
            Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            Label = "Zürich – 東京 – Ünïcödé ✓",
            Amount = 12.5m,
            Ratio = 0.1 + 0.2,
            TakenAt = new DateTime(2026, 11, 21, 10, 30, 15, DateTimeKind.Utc).AddTicks(1234567),
            LocalTime = new DateTime(2026, 3, 29, 2, 30, 0, DateTimeKind.Unspecified).AddTicks(9),
            RecordedAt = new DateTimeOffset(2026, 11, 21, 12, 30, 15, oldKind == StoreKind.Sqlite ? TimeSpan.FromHours(2) : TimeSpan.Zero).AddTicks(7654321),
            Duration = TimeSpan.FromMinutes(90).Add(TimeSpan.FromTicks(15)),
            Day = new DateOnly(2024, 2, 29),
            Level = Level.High,
            Payload = [0, 1, 2, 255, 128],
            Flag = true,
            Note = null,
        },
        new()
        {
            Id = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
            Label = string.Empty,
            Amount = -0.000001m,
            Ratio = double.Epsilon,
            TakenAt = new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc),
            LocalTime = null,
            RecordedAt = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Duration = TimeSpan.Zero,
            Day = DateOnly.MinValue.AddYears(1),
            Level = Level.Low,
            Payload = [],
            Flag = false,
            Note = "  trailing and leading spaces  ",
        },
    ];
}
