using Commet.Domain.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Commet.Server.Persistence;

/// <summary>
/// PostgreSQL: foreign-key checks put off to the commit of the current transaction. The key from an invoice line to
/// its invoice is <c>DEFERRABLE INITIALLY IMMEDIATE</c> (migration <c>Renew</c>): checked per statement as usual, unless
/// a transaction defers it. The billing engine's chunk does, so that it can write its invoice lines before its invoices
/// — before it takes the invoice counter, which every other chunk waits for — and the check of every line still runs,
/// at the commit: a line whose invoice is missing fails the commit, and so the whole chunk.
/// </summary>
public static class DeferredChecks
{
    /// <summary>Whether <paramref name="key"/> is checked at the commit after <see cref="DeferInvoiceLinesAsync"/>.</summary>
    public static bool IsDeferred(IForeignKey key) =>
        key.DeclaringEntityType.ClrType == typeof(InvoiceLine) && key.PrincipalEntityType.ClrType == typeof(Invoice);

    /// <summary>
    /// Defers the invoice lines' key to the commit of the current transaction (<c>SET CONSTRAINTS … DEFERRED</c>), and
    /// has the transaction plan its statements for their actual parameters (<c>plan_cache_mode = force_custom_plan</c>,
    /// for this transaction only). The second is for the key's check: PostgreSQL keeps one plan per connection for it,
    /// made on first use, and a plan made while the invoices table was nearly empty (a new installation, or the
    /// benchmark's fresh tables) is a sequential scan, which it then runs for every line of every later chunk — measured
    /// at half of all checks in a run of 10,000, a scan of thousands of invoices each, all of it at the commit, while the
    /// invoice counter is held. Planned per check, each is an index probe.
    /// </summary>
    public static Task DeferInvoiceLinesAsync(CommetDb db, CancellationToken ct)
    {
        var key = db.Model.FindEntityType(typeof(InvoiceLine))!.GetForeignKeys().Single(IsDeferred);
        // The name comes from the model, not from input; SET CONSTRAINTS takes no parameters.
        var sql = "SET CONSTRAINTS " + BulkCopy.Quote(key.GetConstraintName()!) + " DEFERRED; SET LOCAL plan_cache_mode = force_custom_plan";
        return db.Database.ExecuteSqlRawAsync(sql, ct);
    }
}
