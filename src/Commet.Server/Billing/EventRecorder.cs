using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Billing;

/// <summary>
/// Adds events to the outbox in the caller's unit of work, so an event exists exactly when the change it
/// describes was committed. The webhook dispatcher delivers them.
/// <para>
/// The data is one of the records in <c>Events/</c>, each the twin of a <c>*Data</c> type of @commet/node; the
/// record decides the event's name. Its <c>customerId</c> is given as our ID and written as the merchant's
/// (<see cref="CustomerIds"/>); the row's own CustomerId column keeps ours, for lookups.
/// </para>
/// </summary>
public static class EventRecorder
{
    public static BillingEvent Record<TData>(CommetDb db, Tenant tenant, TData data, DateTime at, string? subscriptionId = null, string? customerId = null)
        where TData : IEventData =>
        WithEmail(db, tenant, data, Add(db, tenant, TData.EventName, Serialize(data, customerId, customerId is null ? null : CustomerIds.Public(db, customerId)), at, subscriptionId, customerId));

    /// <summary>As the other overload, for a caller that has the customer's row (nothing is read).</summary>
    public static BillingEvent Record<TData>(CommetDb db, Tenant tenant, TData data, DateTime at, string? subscriptionId, Customer customer)
        where TData : IEventData =>
        WithEmail(db, tenant, data, Add(db, tenant, TData.EventName, Serialize(data, customer.Id, CustomerIds.Public(db, customer)), at, subscriptionId, customer.Id));

    /// <summary>The email the event causes (a receipt, a failed-payment notice, …) joins the same unit of work.</summary>
    private static BillingEvent WithEmail<TData>(CommetDb db, Tenant tenant, TData data, BillingEvent evt)
        where TData : IEventData
    {
        Emails.EmailOutbox.ForEvent(db, tenant, data);
        return evt;
    }

    public static string Iso(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string Serialize<TData>(TData data, string? ourId, string? shownId)
    {
        var json = JsonSerializer.Serialize(data, Api.Json);
        if (ourId is null || shownId is null || shownId == ourId)
        {
            return json;
        }
        // The top-level "customerId" member, written with our ID, becomes the merchant's (JSON-escaped as a string).
        var ours = "\"customerId\":" + JsonSerializer.Serialize(ourId, Api.Json);
        var at = json.IndexOf(ours, StringComparison.Ordinal);
        return at < 0 ? json : string.Concat(json.AsSpan(0, at), "\"customerId\":", JsonSerializer.Serialize(shownId, Api.Json), json.AsSpan(at + ours.Length));
    }

    private static BillingEvent Add(CommetDb db, Tenant tenant, string type, string dataJson, DateTime at, string? subscriptionId, string? customerId)
    {
        var evt = new BillingEvent
        {
            Id = Ids.New(Ids.Event),
            OrganizationId = tenant.OrganizationId,
            Livemode = tenant.Livemode,
            Type = type,
            DataJson = dataJson,
            SubscriptionId = subscriptionId,
            CustomerId = customerId,
            OccurredAt = at,
            CreatedAt = DateTime.UtcNow,
        };
        db.Events.Add(evt);
        CustomerStates.Noted(db, evt);
        return evt;
    }
}
