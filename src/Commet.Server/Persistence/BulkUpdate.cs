using Commet.Domain.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Commet.Server.Persistence;

/// <summary>
/// PostgreSQL: saves the modified subscriptions of a unit of work with one <c>UPDATE … FROM unnest(…)</c> per set of
/// changed columns instead of one UPDATE statement per row (the billing engine's chunk changes a hundred rows the same
/// way). It keeps what SaveChanges guarantees for them: the concurrency token (<see cref="Subscription.Version"/>) is
/// bumped as <c>CommetDb.SaveChangesAsync</c> bumps it and checked against its original value in the WHERE clause, and
/// a row that does not match fails the save with a <see cref="DbUpdateConcurrencyException"/>. The saved entries are
/// left unchanged in the tracker, so a SaveChanges that follows does not write them again.
/// </summary>
public static class BulkUpdate
{
    /// <summary>Writes the tracked, modified subscriptions (PostgreSQL only; see the class summary) and returns how many.</summary>
    public static async Task<int> SaveSubscriptionsAsync(CommetDb db, CancellationToken ct)
    {
        var entries = db.ChangeTracker.Entries<Subscription>().Where(e => e.State == EntityState.Modified).ToList();
        if (entries.Count == 0)
        {
            return 0;
        }
        var entityType = entries[0].Metadata;
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var key = entityType.FindPrimaryKey()!.Properties.Single();
        var tokens = entityType.GetProperties().Where(p => p.IsConcurrencyToken).ToList();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction;
        // Rows whose changed columns are the same go in one statement (a chunk of renewals is one group).
        var groups = entries.GroupBy(e => string.Join(",", e.Properties.Where(p => p.IsModified && !p.Metadata.IsConcurrencyToken).Select(p => p.Metadata.Name)))
            .Select(g => g.ToList()).ToList();
        foreach (var entry in entries)
        {
            entry.Entity.Version++; // as CommetDb.SaveChangesAsync does for every modified subscription
        }
        foreach (var rows in groups)
        {
            var changed = rows[0].Properties.Where(p => p.IsModified && !p.Metadata.IsConcurrencyToken).Select(p => p.Metadata).ToList();
            await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
            var columns = new List<string>();
            var set = new List<string>();
            var where = new List<string>();
            void Add(IProperty property, string name, Func<EntityEntry<Subscription>, object?> value)
            {
                var converter = property.GetTypeMapping().Converter;
                var values = rows.Select(r =>
                {
                    var raw = value(r); // read once: a converted column is converted from this value, not read again
                    return raw is not null && converter is not null ? converter.ConvertToProvider(raw) : raw;
                }).ToArray();
                command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | BulkCopy.DbTypeOf(property, table)) { Value = BulkCopy.Typed(values, property) });
                columns.Add(name);
            }
            Add(key, "k", r => r.Property(key.Name).CurrentValue);
            where.Add($"t.{BulkCopy.Quote(key.GetColumnName(table)!)} = v.k");
            for (var i = 0; i < changed.Count; i++)
            {
                var property = changed[i];
                Add(property, "c" + i, r => r.Property(property.Name).CurrentValue);
                set.Add($"{BulkCopy.Quote(property.GetColumnName(table)!)} = v.c{i}");
            }
            for (var i = 0; i < tokens.Count; i++)
            {
                var token = tokens[i];
                Add(token, "n" + i, r => r.Property(token.Name).CurrentValue);
                set.Add($"{BulkCopy.Quote(token.GetColumnName(table)!)} = v.n{i}");
                Add(token, "o" + i, r => r.Property(token.Name).OriginalValue);
                where.Add($"t.{BulkCopy.Quote(token.GetColumnName(table)!)} = v.o{i}");
            }
            command.CommandText = $"UPDATE {BulkCopy.Quote(table.Name)} AS t SET {string.Join(", ", set)} "
                + $"FROM unnest({string.Join(", ", columns.Select(c => "@" + c))}) AS v({string.Join(", ", columns)}) "
                + $"WHERE {string.Join(" AND ", where)}";
            var updated = await command.ExecuteNonQueryAsync(ct);
            if (updated != rows.Count)
            {
                throw new DbUpdateConcurrencyException($"{rows.Count - updated} of {rows.Count} subscriptions changed since they were read.");
            }
        }
        foreach (var entry in entries)
        {
            entry.OriginalValues.SetValues(entry.CurrentValues); // written: the current values are now the stored ones
            entry.State = EntityState.Unchanged;
        }
        return entries.Count;
    }
}
