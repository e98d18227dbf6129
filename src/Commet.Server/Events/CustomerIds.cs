using System.Runtime.CompilerServices;
using Commet.Domain;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Events;

/// <summary>
/// The customer ID that events show: the merchant's own external ID when the customer has one, else our <c>cus_</c>
/// ID (the rule every <c>customerId</c> doc comment of @commet/node states).
/// <para>
/// Remembered per unit of work, so a billing chunk or a batch of usage reads each customer once. A pooled context
/// starts a new lease when it is handed out again, and that forgets what the last lease learned.
/// </para>
/// </summary>
public static class CustomerIds
{
    private sealed class Known
    {
        public int Lease;
        public readonly Dictionary<string, string> Public = new(StringComparer.Ordinal);
    }

    private static readonly ConditionalWeakTable<CommetDb, Known> PerContext = [];

    /// <summary>What events show for <paramref name="customer"/>; nothing is read.</summary>
    public static string Public(CommetDb db, Customer customer)
    {
        var shown = customer.ExternalId ?? customer.Id;
        KnownOf(db).Public[customer.Id] = shown;
        return shown;
    }

    /// <summary>What events show for the customer <paramref name="customerId"/> (our ID); read once per unit of work.</summary>
    public static string Public(CommetDb db, string customerId)
    {
        var known = KnownOf(db);
        if (known.Public.TryGetValue(customerId, out var shown))
        {
            return shown;
        }
        // The event is added inside a synchronous call in the middle of the caller's work; one small indexed read.
        var external = db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => c.ExternalId).FirstOrDefault();
        return known.Public[customerId] = external ?? customerId;
    }

    private static Known KnownOf(CommetDb db)
    {
        var known = PerContext.GetOrCreateValue(db);
        if (known.Lease != db.ContextId.Lease)
        {
            known.Public.Clear();
            known.Lease = db.ContextId.Lease;
        }
        return known;
    }
}
