using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Commet.Server.Persistence;

/// <summary>
/// SQLite: writes new rows (taken out of the change tracker by <see cref="BulkCopy.TakeAdded"/>) with one prepared
/// <c>INSERT</c> per table, executed once per row, in the context's open transaction. EF Core's save sends all of a
/// group's inserts as one command of many statements, and Microsoft.Data.Sqlite binds every parameter of the command
/// to every statement (one native call per pair): for a group of 30 usage events, 60 statements times 720 parameters.
/// Here each statement is parsed once and binds only its own columns. Values and types are EF Core's own (each
/// column's type mapping makes its parameter), so the rows are stored exactly as a save stores them.
/// </summary>
public static class SqliteInserts
{
    /// <summary>
    /// Inserts the rows. A unique violation is reported as EF reports one from SaveChanges (a <see cref="DbUpdateException"/>
    /// around the <see cref="SqliteException"/>), so callers handle a duplicate key the same way on both paths.
    /// </summary>
    public static async Task WriteAsync(CommetDb db, BulkCopy.Rows rows, CancellationToken ct)
    {
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("SqliteInserts runs inside a transaction.");
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            foreach (var (entityType, entities) in rows.Tables)
            {
                if (entities.Count > 0)
                {
                    Insert(db, tx.GetDbTransaction(), entityType, entities);
                }
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new DbUpdateException("A new row violates a constraint.", ex);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Insert(CommetDb db, System.Data.Common.DbTransaction tx, IEntityType entityType, List<object> entities)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never)
            .Select(p => (Property: p, Getter: p.GetGetter(), Mapping: p.GetRelationalTypeMapping())).ToList();
        using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO \"" + table.Name + "\" (" + string.Join(", ", columns.Select(c => "\"" + c.Property.GetColumnName(table) + "\""))
            + ") VALUES (" + string.Join(", ", columns.Select((_, i) => "@c" + i)) + ");";
        RoundTripMeter.Of(db)?.Add();
        foreach (var entity in entities)
        {
            command.Parameters.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                var (property, getter, mapping) = columns[i];
                // The type mapping converts the value and sets the parameter's type as EF Core's save does.
                command.Parameters.Add(mapping.CreateParameter(command, "@c" + i, getter.GetClrValueUsingContainingEntity(entity), property.IsNullable));
            }
            // Microsoft.Data.Sqlite keeps the statement prepared while the command's text stays the same.
            if (command.ExecuteNonQuery() != 1)
            {
                throw new InvalidOperationException($"Insert into {table.Name} wrote no row.");
            }
        }
    }
}
