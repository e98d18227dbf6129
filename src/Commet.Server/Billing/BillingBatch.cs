using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Persistence;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Billing;

/// <summary>
/// The billing engine's fast path on PostgreSQL: the due steps of a chunk of subscriptions run in one transaction
/// instead of one each. The rows are locked up front (in ID order, so two chunks cannot deadlock); what the steps
/// would otherwise read once per subscription (the plan, the default card, whether there are add-ons) is read once
/// per chunk after the locks are held; and the chunk's new rows are written with COPY (<see cref="BulkCopy"/>)
/// after the subscriptions are saved.
/// <para>
/// Invoice numbers are given last. While the steps run, each new invoice carries a placeholder that cannot occur
/// otherwise (it holds a random nonce). The new rows that hold no placeholder and reference no new invoice (the charges,
/// the emails; and the invoice lines, whose key to their invoice is checked at the commit) are written first (<see cref="TakeUnnumbered"/>); then <see cref="AssignNumbersAsync"/> takes as
/// many numbers as there are new invoices with one UPDATE … RETURNING on the counter — which locks the counter row
/// until the transaction ends, as taking one number does — and puts them in place of the placeholders, in the
/// invoices and in the events that quote them. Anything else still holding a placeholder fails the chunk. So numbers
/// stay sequential without gaps (taken, used and committed together, or rolled back together), and the counter is
/// held only while the chunk writes its invoices and the events that quote them, and commits — not while its
/// steps run, its subscriptions are saved or its other rows are written — so two chunks can run side by side.
/// </para>
/// Exactly-once is unchanged: the rows are locked for update as before, and the unique billing key of an invoice and
/// attempt key of a charge still back it up (COPY checks them as INSERT does). If anything fails, the whole chunk
/// rolls back and the engine bills its subscriptions one at a time.
/// </summary>
public sealed class BillingBatch
{
    private readonly Dictionary<string, Plan?> plans = [];
    private readonly Dictionary<string, PaymentMethod> defaultMethods = [];
    private readonly HashSet<string> withAddons = [];
    private readonly Dictionary<string, Customer> customers = [];
    private InvoiceParty? seller;
    private Dictionary<string, List<AddonGrant>> addonGrants = [];
    private DateTime grantsSince = DateTime.MaxValue;
    private readonly List<Invoice> invoices = [];
    private readonly string marker = "#INV~" + Guid.NewGuid().ToString("N")[..12] + "~";

    /// <summary>Reads, in one query each, the default cards, the customers (for invoices' bill-to) and the add-on flags of the locked subscriptions.</summary>
    public async Task PreloadAsync(CommetDb db, IReadOnlyCollection<Subscription> locked, CancellationToken ct)
    {
        var customerIds = locked.Select(s => s.CustomerId).Distinct().ToList();
        foreach (var customer in await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToListAsync(ct))
        {
            customers[customer.Id] = customer;
            // Events show the merchant's customer ID: known now, so recording a renewal's events reads nothing more.
            CustomerIds.Public(db, customer);
        }
        // The same rows PaymentService.DefaultMethodAsync reads, tracked the same way; the first per customer wins, as FirstOrDefault would.
        foreach (var method in await db.PaymentMethods.Where(m => customerIds.Contains(m.CustomerId) && m.IsDefault && m.DetachedAt == null).ToListAsync(ct))
        {
            defaultMethods.TryAdd(method.CustomerId, method);
        }
        // Add-ons change only with their subscription locked, so this holds for the whole transaction.
        var ids = locked.Select(s => s.Id).ToList();
        withAddons.UnionWith(await db.SubscriptionAddons.Where(a => ids.Contains(a.SubscriptionId) && a.Status == "active")
            .Select(a => a.SubscriptionId).Distinct().ToListAsync(ct));
        // The add-ons' included units, for the allowances of the periods the steps will bill (from the earliest current period on).
        grantsSince = locked.Count == 0 ? DateTime.MaxValue : locked.Min(s => s.CurrentPeriodStart);
        addonGrants = await AddonAllowances.LoadManyAsync(db, ids, grantsSince, ct);
    }

    /// <summary>The add-on grants of a locked subscription as read by <see cref="PreloadAsync"/>; null when they were not read that far back.</summary>
    public IReadOnlyList<AddonGrant>? AddonGrantsOf(string subscriptionId, DateTime since) =>
        since < grantsSince ? null : addonGrants.TryGetValue(subscriptionId, out var list) ? list : [];

    /// <summary>The customer's default card as read by <see cref="PreloadAsync"/> (null: none).</summary>
    public PaymentMethod? DefaultMethodOf(string customerId) => defaultMethods.GetValueOrDefault(customerId);

    /// <summary>The customer as read by <see cref="PreloadAsync"/> (null: not one of the chunk's).</summary>
    public Customer? CustomerOf(string customerId) => customers.GetValueOrDefault(customerId);

    /// <summary>The organization's seller block, read at most once per chunk.</summary>
    public async Task<InvoiceParty> SellerAsync(Func<Task<InvoiceParty>> load) => seller ??= await load();

    /// <summary>False when the subscription certainly has no active add-on.</summary>
    public bool MayHaveAddons(string subscriptionId) => withAddons.Contains(subscriptionId);

    /// <summary>A plan, read at most once per chunk.</summary>
    public async Task<Plan?> PlanAsync(string planId, Func<Task<Plan?>> load)
    {
        if (!plans.TryGetValue(planId, out var plan))
        {
            plans[planId] = plan = await load();
        }
        return plan;
    }

    /// <summary>The placeholder number of the next new invoice; <see cref="Numbered"/> must follow with the invoice.</summary>
    public string PendingNumber() => $"{marker}{invoices.Count}#";

    public void Numbered(Invoice invoice) => invoices.Add(invoice);

    /// <summary>
    /// Refuses (throws) if an entity the context is about to save holds a placeholder number — say, one copied
    /// somewhere this class does not know of. Call before saving what stays tracked.
    /// </summary>
    public void EnsureNoPlaceholders(CommetDb db)
    {
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified
                && entry.Properties.Any(p => p.CurrentValue is string text && text.Contains(marker, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"A placeholder invoice number was left in a {entry.Metadata.DisplayName()}.");
            }
        }
    }

    /// <summary>
    /// Takes out of <paramref name="rows"/> the tables that can be written before the numbers are given: those in which no
    /// row holds a placeholder and that reference no other table of the chunk's new rows (the lines reference the
    /// invoices, which hold placeholders until <see cref="AssignNumbersAsync"/>) other than by a key checked at the
    /// commit (<paramref name="deferred"/>: the lines, once <see cref="DeferredChecks.DeferInvoiceLinesAsync"/> has run). Write them first.
    /// </summary>
    public BulkCopy.Rows TakeUnnumbered(BulkCopy.Rows rows, Func<Microsoft.EntityFrameworkCore.Metadata.IForeignKey, bool>? deferred = null) =>
        rows.TakeIndependent(text => !text.Contains(marker, StringComparison.Ordinal), deferred);

    /// <summary>
    /// Numbers the chunk's new invoices (see the class summary), which <paramref name="rows"/> holds with the other
    /// new rows, and puts the numbers in the events that quote them. Call last, just before the rows are written.
    /// </summary>
    public async Task AssignNumbersAsync(CommetDb db, Tenant tenant, BulkCopy.Rows rows, CancellationToken ct)
    {
        var written = rows.Of<Invoice>().ToHashSet();
        var added = invoices.Where(written.Contains).ToList(); // in the order they were made
        var numbers = new Dictionary<string, string>();
        if (added.Count > 0)
        {
            var first = await InvoiceNumbering.TakeAsync(db, tenant, added.Count, ct) - added.Count + 1;
            for (var k = 0; k < added.Count; k++)
            {
                numbers[added[k].Number] = InvoiceNumbers.Format(first + k);
                added[k].Number = numbers[added[k].Number];
            }
        }
        foreach (var evt in rows.Of<BillingEvent>())
        {
            if (evt.DataJson.Contains(marker, StringComparison.Ordinal))
            {
                evt.DataJson = Replace(evt.DataJson, numbers);
            }
        }
        if (rows.Strings().Any(text => text.Contains(marker, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("A placeholder invoice number was left in a new row.");
        }
    }

    private string Replace(string text, Dictionary<string, string> numbers)
    {
        var result = new System.Text.StringBuilder(text.Length);
        var at = 0;
        for (var i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, at, StringComparison.Ordinal))
        {
            var end = text.IndexOf('#', i + marker.Length);
            var token = end < 0 ? null : text[i..(end + 1)];
            if (token is null || !numbers.TryGetValue(token, out var number))
            {
                throw new InvalidOperationException("An event quotes an invoice number that was not given.");
            }
            result.Append(text, at, i - at).Append(number);
            at = end + 1;
        }
        return result.Append(text, at, text.Length - at).ToString();
    }
}
