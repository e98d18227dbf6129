using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SQLitePCL;

namespace Commet.Server.Tests;

/// <summary>
/// A statement kept prepared on a native SQLite connection (<see cref="SqliteStatements"/>) stays prepared while the
/// pooled connection is closed and opened again by the next context. Microsoft.Data.Sqlite registers a connection's
/// SQL functions at every open and removes them at every close, and each registration made SQLite mark every
/// statement of that connection for a new preparation; the server's connections now carry no such functions.
/// </summary>
public sealed class SqliteKeptStatementTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    /// <summary>SQLite's SQLITE_STMTSTATUS_REPREPARE: how many times the statement was prepared again.</summary>
    private const int Reprepared = 5;

    [Fact]
    public async Task AKeptStatement_IsNotPreparedAgain_WhenItsPooledConnectionIsOpenedAgain()
    {
        var factory = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>();
        var uses = new Dictionary<sqlite3_stmt, int>();
        for (var i = 0; i < 6; i++)
        {
            await using var db = factory.CreateDbContext();
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            var stmt = SqliteStatements.Get(connection, "SELECT count(*) FROM organizations");
            try
            {
                Assert.True(SqliteStatements.Step(connection, stmt, connection.DefaultTimeout));
            }
            finally
            {
                SqliteStatements.Reset(stmt);
            }
            uses[stmt] = uses.GetValueOrDefault(stmt) + 1;
            Assert.Equal(0, raw.sqlite3_stmt_status(stmt, Reprepared, 0));
            await db.Database.CloseConnectionAsync();
        }

        // The pool handed at least one native connection out again, so the check above saw a statement used after its
        // connection was closed and opened.
        Assert.Contains(uses.Values, n => n > 1);
    }
}
