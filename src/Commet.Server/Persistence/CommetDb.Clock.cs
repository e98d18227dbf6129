namespace Commet.Server.Persistence;

public abstract partial class CommetDb
{
    private const string TestClockSql = """SELECT "SimulatedTime" FROM test_clocks WHERE "OrganizationId" = @org""";

    /// <summary>
    /// The organization's test clock (null when none is set), as a plain command on this context's connection and
    /// transaction. It was an EF Core compiled query, whose executor builds a delegate (<c>DynamicMethod.CreateDelegate</c>)
    /// on every call: about 1 % of the server's CPU under single usage events on PostgreSQL, where every group reads it.
    /// </summary>
    internal Task<DateTime?> ReadTestClockAsync(string organizationId, CancellationToken ct) =>
        OnConnectionAsync(TestClockSql, command => Text(command, "org", organizationId), async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) && !reader.IsDBNull(0)
                ? AsUtc(reader.GetDateTime(0))
                : (DateTime?)null;
        }, ct);
}
