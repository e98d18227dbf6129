using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Commet.Server.Persistence;

/// <summary>
/// PostgreSQL: writes the rows of the given entity types that a unit of work has added with one binary COPY per
/// table, in the context's own transaction, instead of one INSERT each when it saves; the written entities are no
/// longer tracked afterwards. The table's constraints hold for COPY as for INSERT (a duplicate key fails the COPY
/// and so the transaction). The billing engine uses it for the invoices, lines, charges and events of a chunk,
/// which are most of the chunk's cost. Columns are read from the EF model, so they follow the mapping.
/// </summary>
public static class BulkCopy
{
    public static async Task WriteAddedAsync(CommetDb db, IReadOnlyList<Type> types, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var added = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList();
        var written = new List<EntityEntry>();
        foreach (var type in types)
        {
            var entityType = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not mapped.");
            var rows = added.Where(e => e.Metadata == entityType).ToList();
            if (rows.Count == 0)
            {
                continue;
            }
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            // Store-generated columns (identity keys) are left to the database, as EF's INSERT leaves them.
            var columns = entityType.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToList();
            var dbTypes = columns.Select(c => DbTypeOf(c, table)).ToArray();
            var sql = $"COPY {Quote(table.Name)} ({string.Join(", ", columns.Select(c => Quote(c.GetColumnName(table)!)))}) FROM STDIN (FORMAT BINARY)";
            await using (var writer = await connection.BeginBinaryImportAsync(sql, ct))
            {
                foreach (var row in rows)
                {
                    await writer.StartRowAsync(ct);
                    for (var i = 0; i < columns.Count; i++)
                    {
                        var column = columns[i];
                        var value = column.IsShadowProperty()
                            ? row.Property(column).CurrentValue
                            : column.GetGetter().GetClrValueUsingContainingEntity(row.Entity);
                        if (column.GetTypeMapping().Converter is { } converter)
                        {
                            value = converter.ConvertToProvider(value);
                        }
                        if (value is null)
                        {
                            await writer.WriteNullAsync(ct);
                        }
                        else
                        {
                            await writer.WriteAsync(value, dbTypes[i], ct);
                        }
                    }
                }
                await writer.CompleteAsync(ct);
            }
            written.AddRange(rows);
        }
        foreach (var row in written)
        {
            row.State = EntityState.Detached;
        }
    }

    /// <summary>The wire type of a column, for the provider types these tables use; anything else is refused (the caller falls back).</summary>
    private static NpgsqlDbType DbTypeOf(IProperty property, StoreObjectIdentifier table)
    {
        var clr = Nullable.GetUnderlyingType(property.GetTypeMapping().Converter?.ProviderClrType ?? property.ClrType)
            ?? property.GetTypeMapping().Converter?.ProviderClrType ?? property.ClrType;
        var columnType = property.GetColumnType(table);
        return clr switch
        {
            _ when clr == typeof(string) && (columnType == "text" || columnType.StartsWith("character varying", StringComparison.Ordinal)) => NpgsqlDbType.Text,
            _ when clr == typeof(long) && columnType == "bigint" => NpgsqlDbType.Bigint,
            _ when clr == typeof(int) && columnType == "integer" => NpgsqlDbType.Integer,
            _ when clr == typeof(bool) && columnType == "boolean" => NpgsqlDbType.Boolean,
            _ when clr == typeof(decimal) && columnType.StartsWith("numeric", StringComparison.Ordinal) => NpgsqlDbType.Numeric,
            _ when clr == typeof(DateTime) && columnType == "timestamp with time zone" => NpgsqlDbType.TimestampTz,
            _ => throw new NotSupportedException($"BulkCopy does not write {clr.Name} into {columnType} ({property.DeclaringType.DisplayName()}.{property.Name})."),
        };
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
