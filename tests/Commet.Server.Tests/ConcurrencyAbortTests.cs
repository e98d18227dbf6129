using System.Net;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Persistence;
using Npgsql;

namespace Commet.Server.Tests;

/// <summary>
/// A request that PostgreSQL rolls back for a concurrent one (a deadlock's victim) answers 429 <c>concurrent_update</c>
/// with <c>Retry-After</c> in the error envelope, never a 500, and leaves nothing behind. A trigger makes the database
/// raise the real deadlock error (40P01) for inserts of customers with one name.
/// </summary>
public sealed class ConcurrencyAbortTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task ADeadlockVictim_Gets429WithRetryAfter_AndNothingIsSaved()
    {
        await using (var c = new NpgsqlConnection(server.ConnectionString))
        {
            await c.OpenAsync();
            await using var create = new NpgsqlCommand("""
                CREATE OR REPLACE FUNCTION abort_victim() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN
                  RAISE EXCEPTION 'deadlock detected (test)' USING ERRCODE = '40P01';
                END $f$;
                DROP TRIGGER IF EXISTS abort_victim ON customers;
                CREATE TRIGGER abort_victim BEFORE INSERT ON customers FOR EACH ROW
                  WHEN (NEW."ExternalId" LIKE 'victim_%') EXECUTE FUNCTION abort_victim();
                """, c);
            await create.ExecuteNonQueryAsync();
        }
        var api = server.Client();
        var victim = "victim_" + Guid.NewGuid().ToString("N")[..8];

        var refused = await api.PostJson("/api/v1/customers", new { id = victim, email = "victim@example.com" });
        var other = await api.PostJson("/api/v1/customers", new { id = "bystander_" + Guid.NewGuid().ToString("N")[..8], email = "b@example.com" });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("concurrent_update", refused.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.DoesNotContain("Npgsql", refused.Raw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, other.Status);
        var list = await api.GetJson($"/api/v1/customers?externalId={victim}");
        Assert.Empty(list.Data.AsArray());
    }

    /// <summary>
    /// <see cref="DbRetry"/> gives up after <see cref="DbRetry.Attempts"/> tries when every try is a deadlock's victim,
    /// and lets the database's own error through (which the middleware turns into 429); any other database error is
    /// not retried at all. The statements run against the real server: one that always raises 40P01, one that always
    /// breaks a unique index.
    /// </summary>
    [Fact]
    public async Task DbRetry_GivesUpAfterItsAttempts_AndDoesNotRetryOtherErrors()
    {
        await using var c = new NpgsqlConnection(server.ConnectionString);
        await c.OpenAsync();
        await using (var setup = new NpgsqlCommand("""
            CREATE OR REPLACE FUNCTION always_deadlock() RETURNS int LANGUAGE plpgsql AS $f$
            BEGIN
              RAISE EXCEPTION 'deadlock detected (test)' USING ERRCODE = '40P01';
            END $f$;
            CREATE TEMP TABLE retry_probe (id int PRIMARY KEY);
            INSERT INTO retry_probe VALUES (1);
            """, c))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var deadlockTries = 0;
        var deadlock = await Assert.ThrowsAsync<PostgresException>(() => DbRetry.OnConcurrencyAbortAsync(async () =>
        {
            deadlockTries++;
            await using var cmd = new NpgsqlCommand("SELECT always_deadlock()", c);
            return await cmd.ExecuteScalarAsync();
        }, CancellationToken.None));

        var uniqueTries = 0;
        var unique = await Assert.ThrowsAsync<PostgresException>(() => DbRetry.OnConcurrencyAbortAsync(async () =>
        {
            uniqueTries++;
            await using var cmd = new NpgsqlCommand("INSERT INTO retry_probe VALUES (1)", c);
            return await cmd.ExecuteNonQueryAsync();
        }, CancellationToken.None));

        Assert.Equal(DbRetry.Attempts, deadlockTries);
        Assert.Equal(PostgresErrorCodes.DeadlockDetected, deadlock.SqlState);
        Assert.True(DbErrors.IsConcurrencyAbort(deadlock));
        Assert.Equal(1, uniqueTries);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, unique.SqlState);
    }

    /// <summary>
    /// A customer change and the catalog version it moves (which tells every node's usage cache that the customer's
    /// resolution changed) commit together or not at all. A trigger aborts the version's update when the tenant has a
    /// customer with one e-mail address; inside the change's transaction it sees the new address and aborts the lot.
    /// With the version bumped after the change had committed, the change stayed while its bump was refused.
    /// </summary>
    [Fact]
    public async Task ACustomerChange_WhoseCatalogVersionBumpFails_IsNotSaved()
    {
        var email = "bump-fails-" + Guid.NewGuid().ToString("N")[..8] + "@example.com";
        await using (var c = new NpgsqlConnection(server.ConnectionString))
        {
            await c.OpenAsync();
            await using var create = new NpgsqlCommand($$"""
                CREATE OR REPLACE FUNCTION refuse_bump() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN
                  IF EXISTS (SELECT 1 FROM customers WHERE "Email" = '{{email}}') THEN
                    RAISE EXCEPTION 'deadlock detected (test)' USING ERRCODE = '40P01';
                  END IF;
                  RETURN NEW;
                END $f$;
                DROP TRIGGER IF EXISTS refuse_bump ON catalog_versions;
                CREATE TRIGGER refuse_bump BEFORE INSERT OR UPDATE ON catalog_versions FOR EACH ROW EXECUTE FUNCTION refuse_bump();
                """, c);
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            var api = server.Client();
            var id = "bump_" + Guid.NewGuid().ToString("N")[..8];
            var created = await api.PostJson("/api/v1/customers", new { id, email = "before@example.com" });
            Assert.Equal(HttpStatusCode.Created, created.Status);

            var refused = await api.PutJson($"/api/v1/customers/{id}", new { email });
            var renamed = await api.PutJson($"/api/v1/customers/{id}", new { fullName = "Still Before" });

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
            Assert.Equal("concurrent_update", refused.ErrorCode);
            Assert.Equal(HttpStatusCode.OK, renamed.Status);
            var read = await api.GetJson($"/api/v1/customers/{id}");
            Assert.Equal("before@example.com", read.Data["email"]!.GetValue<string>());
            Assert.Equal("Still Before", read.Data["fullName"]!.GetValue<string>());
        }
        finally
        {
            await using var c = new NpgsqlConnection(server.ConnectionString);
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TRIGGER IF EXISTS refuse_bump ON catalog_versions", c);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
