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
    public static Task<long> TakeAsync(CommetDb db, Tenant tenant, long count, CancellationToken ct) =>
        Counters.IncrementInvoiceSequenceAsync(db, tenant.OrganizationId, tenant.Livemode, count, ct);
}
