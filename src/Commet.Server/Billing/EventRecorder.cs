using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Billing;

/// <summary>
/// Adds events to the outbox in the caller's unit of work, so an event exists exactly when the change it
/// describes was committed. The webhook dispatcher delivers them.
/// </summary>
public static class EventRecorder
{
    public static BillingEvent Record(CommetDb db, Tenant tenant, string type, object data, DateTime at, string? subscriptionId = null, string? customerId = null)
    {
        var evt = new BillingEvent
        {
            Id = Ids.New(Ids.Event),
            OrganizationId = tenant.OrganizationId,
            Livemode = tenant.Livemode,
            Type = type,
            DataJson = JsonSerializer.Serialize(data, Api.Json),
            SubscriptionId = subscriptionId,
            CustomerId = customerId,
            OccurredAt = at,
            CreatedAt = DateTime.UtcNow,
        };
        db.Events.Add(evt);
        return evt;
    }

    public static string Iso(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
