using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using MigrationMiddleware.Phases;

namespace MigrationMiddleware.Intents;

/// <summary>
/// The SQL of the intent table, built from the provider's identifier quoting and parameter syntax, and run on a context's own
/// connection (and transaction). Column types are plain ANSI types every relational engine accepts.
/// </summary>
#pragma warning disable EF1002, EF1003 // Identifiers are the configured table name and fixed column names, quoted by the provider; values are parameters.
internal sealed class IntentTable(string tableName)
{
    /// <summary>The most rows written by one INSERT, so the parameter count stays far below every engine's limit.</summary>
    private const int RowsPerInsert = 200;
    private const int Columns = 8;

    public string TableName { get; } = tableName;

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task EnsureCreatedAsync(DbContext context, CancellationToken cancellationToken)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        var table = sql.DelimitIdentifier(TableName);
        string Q(string name) => sql.DelimitIdentifier(name);
        await context.Database.ExecuteSqlRawAsync(
            $"CREATE TABLE IF NOT EXISTS {table} ({Q("id")} VARCHAR(32) NOT NULL PRIMARY KEY, {Q("migration")} VARCHAR(200) NOT NULL, "
            + $"{Q("entity_type")} VARCHAR(1000) NOT NULL, {Q("key_values")} VARCHAR(4000) NOT NULL, {Q("target_store")} INTEGER NOT NULL, "
            + $"{Q("created_at")} BIGINT NOT NULL, {Q("next_attempt_at")} BIGINT NOT NULL, {Q("attempts")} INTEGER NOT NULL)",
            cancellationToken).ConfigureAwait(false);
        await context.Database.ExecuteSqlRawAsync(
            $"CREATE INDEX IF NOT EXISTS {Q("ix_" + TableName + "_due")} ON {table} ({Q("migration")}, {Q("next_attempt_at")})",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts intents on the context's connection, inside <paramref name="transaction"/> when given.</summary>
    public async ValueTask InsertAsync(bool async, DbContext context, DbTransaction? transaction, IReadOnlyList<WriteIntent> intents, long relayAfterMs, CancellationToken cancellationToken)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        var connection = context.Database.GetDbConnection();
        for (var offset = 0; offset < intents.Count; offset += RowsPerInsert)
        {
            var chunk = intents.Skip(offset).Take(RowsPerInsert).ToList();
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.Transaction = transaction;
            var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(TableName)).Append(" (")
                .AppendJoin(", ", new[] { "id", "migration", "entity_type", "key_values", "target_store", "created_at", "next_attempt_at", "attempts" }.Select(c => sql.DelimitIdentifier(c)))
                .Append(") VALUES ");
            for (var row = 0; row < chunk.Count; row++)
            {
                var intent = chunk[row];
                object[] values =
                [
                    intent.Id, intent.Migration, intent.EntityType, JsonSerializer.Serialize(intent.KeyValues),
                    (int)intent.TargetStore, intent.CreatedAt, intent.CreatedAt + relayAfterMs, intent.Attempts,
                ];
                text.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < Columns; column++)
                {
                    var name = "p" + ((row * Columns) + column).ToString(CultureInfo.InvariantCulture);
                    text.Append(column == 0 ? string.Empty : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
                    AddParameter(command, sql.GenerateParameterName(name), values[column]);
                }

                text.Append(')');
            }

            command.CommandText = text.ToString();
            _ = async ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
        }
    }

    public async Task DeleteAsync(DbContext context, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(RowsPerInsert))
        {
            await ExecuteAsync(context, "DELETE FROM {table} WHERE {id} IN ({ids})", chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes the intents of a migration that are due (their next attempt time has passed) and moves their next attempt later
    /// (exponential in the number of attempts), so concurrent relays rarely take the same ones.
    /// </summary>
    public async Task<List<WriteIntent>> TakeDueAsync(DbContext context, string migration, int limit, long relayAfterMs, long maxDelayMs, CancellationToken cancellationToken)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        var now = Now();
        var due = new List<WriteIntent>();
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                string Q(string name) => sql.DelimitIdentifier(name);
                command.CommandText =
                    $"SELECT {Q("id")}, {Q("entity_type")}, {Q("key_values")}, {Q("target_store")}, {Q("created_at")}, {Q("attempts")} "
                    + $"FROM {Q(TableName)} WHERE {Q("migration")} = {sql.GenerateParameterNamePlaceholder("m")} AND {Q("next_attempt_at")} <= {sql.GenerateParameterNamePlaceholder("now")} "
                    + $"ORDER BY {Q("next_attempt_at")}";
                AddParameter(command, sql.GenerateParameterName("m"), migration);
                AddParameter(command, sql.GenerateParameterName("now"), now);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using var readerScope = reader.ConfigureAwait(false);
                while (due.Count < limit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    due.Add(new WriteIntent(
                        reader.GetString(0),
                        migration,
                        reader.GetString(1),
                        JsonSerializer.Deserialize<string?[]>(reader.GetString(2)) ?? [],
                        (StoreRole)Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture),
                        Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture),
                        Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture)));
                }
            }

            foreach (var group in due.GroupBy(i => Math.Min(i.Attempts, 10)))
            {
                var next = now + Math.Min(relayAfterMs << group.Key, Math.Max(relayAfterMs, maxDelayMs));
                await ExecuteAsync(
                    context,
                    $"UPDATE {{table}} SET {{next}} = {next.ToString(CultureInfo.InvariantCulture)}, {{attempts}} = {{attempts}} + 1 WHERE {{id}} IN ({{ids}})",
                    [.. group.Select(i => i.Id)],
                    cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }

        return due;
    }

    public Task PostponeAsync(DbContext context, IReadOnlyCollection<string> ids, long until, CancellationToken cancellationToken) =>
        ExecuteAsync(
            context,
            $"UPDATE {{table}} SET {{next}} = {until.ToString(CultureInfo.InvariantCulture)}, {{attempts}} = {{attempts}} + 1 WHERE {{id}} IN ({{ids}})",
            [.. ids],
            cancellationToken);

    /// <summary>Counts a migration's intents that wait for a repair: already attempted, or older than a fresh write's apply can take.</summary>
    public async Task<long> CountPendingAsync(DbContext context, string migration, long olderThan, CancellationToken cancellationToken)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        string Q(string name) => sql.DelimitIdentifier(name);
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText =
                $"SELECT COUNT(*) FROM {Q(TableName)} WHERE {Q("migration")} = {sql.GenerateParameterNamePlaceholder("m")} "
                + $"AND ({Q("attempts")} > 0 OR {Q("created_at")} < {sql.GenerateParameterNamePlaceholder("t")})";
            AddParameter(command, sql.GenerateParameterName("m"), migration);
            AddParameter(command, sql.GenerateParameterName("t"), olderThan);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private async Task ExecuteAsync(DbContext context, string template, string[] ids, CancellationToken cancellationToken)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        var command = context.Database.GetDbConnection().CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        var placeholders = new List<string>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var name = "i" + i.ToString(CultureInfo.InvariantCulture);
            placeholders.Add(sql.GenerateParameterNamePlaceholder(name));
            AddParameter(command, sql.GenerateParameterName(name), ids[i]);
        }

        command.CommandText = template
            .Replace("{table}", sql.DelimitIdentifier(TableName), StringComparison.Ordinal)
            .Replace("{id}", sql.DelimitIdentifier("id"), StringComparison.Ordinal)
            .Replace("{next}", sql.DelimitIdentifier("next_attempt_at"), StringComparison.Ordinal)
            .Replace("{attempts}", sql.DelimitIdentifier("attempts"), StringComparison.Ordinal)
            .Replace("{ids}", string.Join(", ", placeholders), StringComparison.Ordinal);
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
