using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Billing;

/// <summary>
/// Invoice numbers come from a per-organization-and-mode counter incremented in the invoice's own transaction
/// (an UPDATE … RETURNING, which locks the counter row on PostgreSQL and runs under SQLite's single writer), so
/// numbers are sequential and never repeat under concurrency; a unique index on the number backs that up.
/// A rolled-back invoice gives its number back with the rollback.
/// </summary>
public static class InvoiceNumbering
{
    public static async Task<string> NextAsync(CommetDb db, Tenant tenant, CancellationToken ct) =>
        InvoiceNumbers.Format(await TakeAsync(db, tenant, 1, ct));

    /// <summary>
    /// Takes <paramref name="count"/> numbers at once and returns the last; the caller owns the <paramref name="count"/>
    /// numbers ending there. The counter row stays locked until the transaction ends.
    /// </summary>
    public static async Task<long> TakeAsync(CommetDb db, Tenant tenant, long count, CancellationToken ct)
    {
        var live = tenant.Livemode;
        var next = await db.Database.SqlQuery<long>($"""
            UPDATE invoice_sequences SET "Next" = "Next" + {count}
            WHERE "OrganizationId" = {tenant.OrganizationId} AND "Livemode" = {live}
            RETURNING "Next" AS "Value"
            """).ToListAsync(ct);
        if (next.Count == 1)
        {
            return next[0];
        }
        // First invoice of this organization and mode: create the counter. Two first invoices at once both
        // try; the loser's insert does nothing and its UPDATE then sees the winner's row.
        var insert = db.IsPostgres
            ? """INSERT INTO invoice_sequences ("OrganizationId", "Livemode", "Next") VALUES ({0}, {1}, 0) ON CONFLICT DO NOTHING"""
            : """INSERT OR IGNORE INTO invoice_sequences ("OrganizationId", "Livemode", "Next") VALUES ({0}, {1}, 0)""";
        await db.Database.ExecuteSqlRawAsync(insert, [tenant.OrganizationId, live], ct);
        var retry = await db.Database.SqlQuery<long>($"""
            UPDATE invoice_sequences SET "Next" = "Next" + {count}
            WHERE "OrganizationId" = {tenant.OrganizationId} AND "Livemode" = {live}
            RETURNING "Next" AS "Value"
            """).ToListAsync(ct);
        return retry.Single();
    }
}
