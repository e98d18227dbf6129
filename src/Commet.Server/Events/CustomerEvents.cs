using System.Text.Json;
using Commet.Domain;
using Commet.Server.Customers;

namespace Commet.Server.Events;

// Customers (CustomerCreatedData, CustomerUpdatedData, CustomerStateChangedData in @commet/node 7.10.0).

/// <summary>
/// The customer resource that <c>customer.created</c> and <c>customer.updated</c> share: the customer as
/// <c>GET /customers</c> returns it, in the fields the SDK's event types declare (no address, livemode or object).
/// <c>id</c> is always our <c>cus_</c> ID and <c>externalId</c> the merchant's, as the SDK says; there is no
/// <c>customerId</c> member to rewrite.
/// </summary>
public abstract record CustomerEventData(
    string Id,
    string? ExternalId,
    string? FullName,
    string Email,
    string? TaxDocument,
    string? DocumentType,
    string? Timezone,
    JsonElement? Metadata,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    protected CustomerEventData(Customer c)
        : this(c.Id, c.ExternalId, c.FullName, c.Email, c.TaxDocument, c.DocumentType, c.Timezone, MetadataJson.Read(c.MetadataJson),
            c.CreatedAt, c.UpdatedAt)
    {
    }
}

/// <summary>A customer was created (<c>customer.created</c>): by the API, one or in a batch.</summary>
public sealed record CustomerCreatedData : CustomerEventData, IEventData
{
    private CustomerCreatedData(Customer c) : base(c)
    {
    }

    public static string EventName => EventNames.CustomerCreated;

    public static CustomerCreatedData From(Customer c) => new(c);
}

/// <summary>A customer's details changed (<c>customer.updated</c>): by the API or in the portal's billing details.</summary>
public sealed record CustomerUpdatedData : CustomerEventData, IEventData
{
    private CustomerUpdatedData(Customer c) : base(c)
    {
    }

    public static string EventName => EventNames.CustomerUpdated;

    public static CustomerUpdatedData From(Customer c) => new(c);
}

/// <summary>One feature as <c>customer.state_changed</c> lists it (<c>WebhookFeatureAccess</c>): every field written, null where it does not apply.</summary>
public sealed record WebhookFeatureAccess(
    string Code, string Name, string Type, bool Allowed, bool? Enabled, decimal? Current, decimal? Included, decimal? Remaining,
    decimal? OverageQuantity, long? OverageUnitPrice, bool? Unlimited, bool? OverageEnabled, decimal? BilledQuantity);

/// <summary>A seats feature in <c>customer.state_changed</c> (<c>WebhookSeatSummary</c>).</summary>
public sealed record WebhookSeatSummary(string Code, decimal? Current, decimal? Included, decimal? Remaining, bool? Unlimited);

/// <summary>Credits of a credits plan (<c>WebhookCreditsBalance</c>), whole credits.</summary>
public sealed record WebhookCreditsBalance(long PlanCredits, long PurchasedCredits, long TotalCredits);

/// <summary>The balance of a balance plan (<c>WebhookBalance</c>), rate scale (10000 = 1.00).</summary>
public sealed record WebhookBalance(long CurrentBalance);

/// <summary>
/// What the customer may use now, after an entitlement transition (<c>customer.state_changed</c>). Recorded by
/// <see cref="Billing.CustomerStates"/> once per customer per saved unit of work, after the change is written.
/// </summary>
public sealed record CustomerStateChangedData(
    string CustomerId,
    string Trigger,
    string Status,
    string? SubscriptionId,
    WebhookPlanRef? Plan,
    string? BillingInterval,
    string? ConsumptionModel,
    IReadOnlyList<WebhookFeatureAccess> Features,
    IReadOnlyList<WebhookSeatSummary> Seats,
    WebhookCreditsBalance? Credits,
    WebhookBalance? Balance) : IEventData
{
    public static string EventName => EventNames.CustomerStateChanged;

    /// <summary>The status when the customer has no live subscription.</summary>
    public const string NoSubscription = "none";
}
