using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Billing;

/// <summary>
/// The billing engine's fast path on PostgreSQL: the due steps of a chunk of subscriptions run in one transaction
/// instead of one each. The rows are locked up front (in ID order, so two chunks cannot deadlock); what the steps
/// would otherwise read once per subscription (the plan, the default card, whether there are add-ons) is read once
/// per chunk after the locks are held; invoice numbers come from the counter as a block; and the chunk's new rows are
/// written with COPY (<see cref="BulkCopy"/>) before the subscriptions are saved.
/// <para>
/// Numbers stay sequential without gaps: the block is taken with the same UPDATE … RETURNING as a single number,
/// which locks the counter row until the chunk's transaction ends, so no one else can take a number in between;
/// before committing, the chunk hands back the unused end of the block (<see cref="ReturnUnusedNumbersAsync"/>),
/// still under that lock, and a rollback returns the whole block. Exactly-once is unchanged: the rows are locked
/// FOR UPDATE as before, and the unique billing key of an invoice and attempt key of a charge still back it up (COPY
/// checks them as INSERT does). If anything fails, the whole chunk rolls back and the engine bills its subscriptions
/// one at a time.
/// </para>
/// </summary>
public sealed class BillingBatch(int blockSize)
{
    private readonly Dictionary<string, Plan?> plans = [];
    private readonly Dictionary<string, PaymentMethod> defaultMethods = [];
    private readonly HashSet<string> withAddons = [];
    private long next = 1;
    private long last;

    /// <summary>Reads, in one query each, the default cards and the add-on flags of the locked subscriptions.</summary>
    public async Task PreloadAsync(CommetDb db, IReadOnlyCollection<Subscription> locked, CancellationToken ct)
    {
        var customerIds = locked.Select(s => s.CustomerId).Distinct().ToList();
        // The same rows PaymentService.DefaultMethodAsync reads, tracked the same way; the first per customer wins, as FirstOrDefault would.
        foreach (var method in await db.PaymentMethods.Where(m => customerIds.Contains(m.CustomerId) && m.IsDefault && m.DetachedAt == null).ToListAsync(ct))
        {
            defaultMethods.TryAdd(method.CustomerId, method);
        }
        // Add-ons change only with their subscription locked, so this holds for the whole transaction.
        var ids = locked.Select(s => s.Id).ToList();
        withAddons.UnionWith(await db.SubscriptionAddons.Where(a => ids.Contains(a.SubscriptionId) && a.Status == "active")
            .Select(a => a.SubscriptionId).Distinct().ToListAsync(ct));
    }

    /// <summary>The customer's default card as read by <see cref="PreloadAsync"/> (null: none).</summary>
    public PaymentMethod? DefaultMethodOf(string customerId) => defaultMethods.GetValueOrDefault(customerId);

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

    /// <summary>The next invoice number, from a block taken on first use (and another one if the block runs out).</summary>
    public async Task<string> NextNumberAsync(CommetDb db, Tenant tenant, CancellationToken ct)
    {
        if (next > last)
        {
            // We hold the counter row from our first UPDATE on, so a second block follows the first one directly.
            last = await InvoiceNumbering.TakeAsync(db, tenant, blockSize, ct);
            next = last - blockSize + 1;
        }
        return InvoiceNumbers.Format(next++);
    }

    /// <summary>Gives the counter back the numbers of the block that no invoice used. Call last, before saving.</summary>
    public async Task ReturnUnusedNumbersAsync(CommetDb db, Tenant tenant, CancellationToken ct)
    {
        var unused = last - next + 1;
        if (last > 0 && unused > 0)
        {
            await InvoiceNumbering.GiveBackAsync(db, tenant, unused, ct);
        }
        next = last + 1;
    }
}
