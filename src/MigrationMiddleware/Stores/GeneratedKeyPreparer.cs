using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Stores;

/// <summary>
/// Advances a store's generated-key sequences past the keys already in its tables (plus a gap), so a store that received rows with
/// explicit keys through mirroring can become authoritative without handing out a key that exists. Identifiers come from the EF
/// model and are quoted by the provider; only the statements are provider-specific.
/// </summary>
#pragma warning disable EF1002, EF1003 // Identifiers come from the EF model, quoted by the provider's ISqlGenerationHelper; values are parameters.
internal static class GeneratedKeyPreparer
{
    public const string PostgreSqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";
    public const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <returns>The number of sequences advanced.</returns>
    public static async Task<int> PrepareAsync(MigrationRuntime runtime, StoreRole store, CancellationToken cancellationToken)
    {
        var lease = runtime.CreateContext(store);
        await using var leaseScope = lease.ConfigureAwait(false);
        var context = lease.Context;
        var columns = GeneratedKeyColumns(context.Model, runtime, store).ToList();
        if (columns.Count == 0)
        {
            return 0;
        }

        var sql = context.GetService<ISqlGenerationHelper>();
        var gap = runtime.Options.GeneratedKeyGap;
        switch (context.Database.ProviderName)
        {
            case PostgreSqlProvider:
                foreach (var (table, schema, column) in columns)
                {
                    var qualified = sql.DelimitIdentifier(table, schema);
                    // pg_get_serial_sequence finds the sequence of serial and identity columns alike, and is NULL for others.
                    // nextval keeps the sequence from moving backwards when it is already ahead.
                    await context.Database.ExecuteSqlRawAsync(
                        $"SELECT setval(s.seq, GREATEST(COALESCE((SELECT MAX({sql.DelimitIdentifier(column)}) FROM {qualified}), 0) + {{0}}, nextval(s.seq))) "
                        + "FROM (SELECT pg_get_serial_sequence({1}, {2}) AS seq) AS s WHERE s.seq IS NOT NULL",
                        [gap, qualified, column],
                        cancellationToken).ConfigureAwait(false);
                }

                return columns.Count;

            case SqliteProvider:
                var hasSequences = await context.Database
                    .SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
                    .SingleAsync(cancellationToken).ConfigureAwait(false);
                if (hasSequences == 0)
                {
                    // No AUTOINCREMENT table: SQLite takes the largest rowid plus one, which is already past the copied keys.
                    return 0;
                }

                foreach (var (table, _, column) in columns)
                {
                    var next = $"COALESCE((SELECT MAX({sql.DelimitIdentifier(column)}) FROM {sql.DelimitIdentifier(table)}), 0) + {{0}}";
                    await context.Database.ExecuteSqlRawAsync(
                        $"UPDATE sqlite_sequence SET seq = MAX(seq, {next}) WHERE name = {{1}}", [gap, table], cancellationToken).ConfigureAwait(false);
                    await context.Database.ExecuteSqlRawAsync(
                        $"INSERT INTO sqlite_sequence (name, seq) SELECT {{1}}, {next} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = {{1}})",
                        [gap, table],
                        cancellationToken).ConfigureAwait(false);
                }

                return columns.Count;

            default:
                throw new NotSupportedException(
                    $"MigrationMiddleware cannot advance generated-key sequences for provider '{context.Database.ProviderName}'. "
                    + "Advance them yourself, then set DualWriteOptions.PrepareGeneratedKeys to false.");
        }
    }

    /// <summary>Integer primary-key columns with values generated on add, in the tables of the migration's entity types.</summary>
    private static IEnumerable<(string Table, string? Schema, string Column)> GeneratedKeyColumns(IModel model, MigrationRuntime runtime, StoreRole store)
    {
        var seen = new HashSet<(string, string?, string)>();
        foreach (var entity in runtime.Entities.All)
        {
            var root = model.FindEntityType(entity.TypeName(store));
            if (root is null)
            {
                continue;
            }

            foreach (var entityType in root.GetDerivedTypesInclusive().Concat(OwnedTypes(root)))
            {
                foreach (var property in entityType.GetDeclaredProperties())
                {
                    if (property.ValueGenerated != ValueGenerated.OnAdd || !property.IsPrimaryKey() || !IsInteger(property.ClrType))
                    {
                        continue;
                    }

                    var table = StoreObjectIdentifier.Create(entityType, StoreObjectType.Table);
                    if (table is { } id && property.GetColumnName(id) is { } column && seen.Add((id.Name, id.Schema, column)))
                    {
                        yield return (id.Name, id.Schema, column);
                    }
                }
            }
        }
    }

    private static IEnumerable<IEntityType> OwnedTypes(IEntityType owner) =>
        owner.GetNavigations()
            .Where(n => n.ForeignKey.IsOwnership && !n.IsOnDependent)
            .SelectMany(n => OwnedTypes(n.TargetEntityType).Prepend(n.TargetEntityType));

    private static bool IsInteger(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(int) || t == typeof(long) || t == typeof(short));
}
