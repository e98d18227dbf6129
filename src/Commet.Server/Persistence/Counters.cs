using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>Counters incremented inside the caller's transaction; the counter row stays locked until it ends.</summary>
public static class Counters
{
    /// <summary>
    /// Adds <paramref name="count"/> to the invoice counter of an organization and mode and returns its new value. The
    /// UPDATE … RETURNING locks the row on PostgreSQL and runs under SQLite's single writer, so two transactions never
    /// get the same numbers; a rollback gives them back.
    /// </summary>
    public static async Task<long> IncrementInvoiceSequenceAsync(CommetDb db, string organizationId, bool livemode, long count, CancellationToken ct)
    {
        var next = await IncrementAsync(db, organizationId, livemode, count, ct);
        if (next.Count == 1)
        {
            return next[0];
        }
        // First invoice of this organization and mode: create the counter. Two first invoices at once both try; the
        // loser's insert does nothing and its UPDATE then sees the winner's row. (Both databases know ON CONFLICT.)
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO invoice_sequences ("OrganizationId", "Livemode", "Next") VALUES ({organizationId}, {livemode}, 0) ON CONFLICT DO NOTHING""", ct);
        return (await IncrementAsync(db, organizationId, livemode, count, ct)).Single();
    }

    private static Task<List<long>> IncrementAsync(CommetDb db, string organizationId, bool livemode, long count, CancellationToken ct) =>
        db.Database.SqlQuery<long>($"""
            UPDATE invoice_sequences SET "Next" = "Next" + {count}
            WHERE "OrganizationId" = {organizationId} AND "Livemode" = {livemode}
            RETURNING "Next" AS "Value"
            """).ToListAsync(ct);
}
