using Commet.Server.Tests.Infrastructure;
using Npgsql;

namespace Commet.Server.Tests;

/// <summary>
/// On PostgreSQL, the columns that hold IDs, keys and hashes compare byte by byte (<c>COLLATE "C"</c>, migration
/// <c>CollateIds</c>), and the text a person reads keeps the database's collation (docs/decisions.md, "Identifiers
/// compare byte by byte on PostgreSQL").
/// </summary>
public sealed class CollationTests_Postgres(PostgresServer server) : IClassFixture<PostgresServer>
{
    private async Task<List<(string Table, string Column, string? Collation)>> TextColumnsAsync()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT table_name, column_name, collation_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying') AND table_name <> '__EFMigrationsHistory'
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<(string, string, string?)>();
        while (await reader.ReadAsync())
        {
            columns.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        return columns;
    }

    [Fact]
    public async Task IdKeyAndHashColumns_AreInTheCCollation()
    {
        var columns = await TextColumnsAsync();
        var machine = columns.Where(c => c.Column == "Id" || c.Column.EndsWith("Id", StringComparison.Ordinal)
            || c.Column.EndsWith("Key", StringComparison.Ordinal) || c.Column.EndsWith("Hash", StringComparison.Ordinal)).ToList();

        // The hot ones by name, so that the rule cannot pass by matching nothing.
        Assert.Contains(("usage_events", "Id", "C"), machine);
        Assert.Contains(("usage_events", "IdempotencyKey", "C"), machine);
        Assert.Contains(("ledger_entries", "SubscriptionId", "C"), machine);
        Assert.Contains(("customers", "ExternalId", "C"), machine);
        Assert.Contains(("api_keys", "Hash", "C"), machine);
        Assert.All(machine, c => Assert.Equal("C", c.Collation));
        Assert.True(machine.Count > 100, $"only {machine.Count} ID, key and hash columns found");
    }

    [Fact]
    public async Task TextAPersonReads_KeepsTheDatabasesCollation()
    {
        var columns = await TextColumnsAsync();

        Assert.Contains(("customers", "FullName", null), columns);
        Assert.Contains(("customers", "Email", null), columns);
        Assert.Contains(("features", "Name", null), columns);
        Assert.Contains(("plans", "Name", null), columns);
    }
}
