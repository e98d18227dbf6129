using System.Text.Json;
using Commet.Server.Http;

namespace Commet.Server.Payments;

/// <summary>
/// Something the customer asked for that may need a card first: buy a credit pack, top up, add an add-on, reactivate,
/// start a subscription. Kept as JSON in <see cref="Domain.Billing.HostedSession.PurchaseJson"/> while the customer adds a
/// card, then carried out with the same use case the API calls.
/// </summary>
/// <remarks><see cref="PromoCode"/>: a code the customer applied in the portal's preview of starting or reactivating.</remarks>
public sealed record PendingPurchase(string Action, string? Id = null, long? Amount = null, string? Interval = null, string? SubscriptionId = null,
    string? PromoCode = null)
{
    public const string CreditPack = "credit_pack";
    public const string Topup = "topup";
    public const string Addon = "addon";
    public const string Reactivate = "reactivate";
    public const string Start = "start";

    /// <summary>Pay a payment link (<see cref="Id"/> is the payment's ID).</summary>
    public const string PaymentLink = "payment_link";

    /// <summary>
    /// Every purchase is carried out by the card step itself (<see cref="IHostedPurchaseCompleter"/>), wherever that step
    /// completes: the portal's card form, the return from Stripe Checkout, or Stripe's webhook when the customer does not
    /// come back. (A top-up's amount is checked against the portal's limits when it is asked for.)
    /// </summary>
    public bool CompletedByCardStep => Action is CreditPack or Addon or Topup or Reactivate or Start or PaymentLink;

    public string ToJson() => JsonSerializer.Serialize(this, Api.Json);

    public static PendingPurchase? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<PendingPurchase>(json, Api.Json) is { Action: not null } purchase ? purchase : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Finishes a purchase (credit pack, add-on) that waited for the customer to add a card.</summary>
public interface IHostedPurchaseCompleter
{
    /// <summary>Null when this completer does not know the purchase; otherwise a message for the customer or the error.</summary>
    Task<Domain.Result<string>?> CompleteAsync(Billing.BillingScope scope, string sessionId, PendingPurchase purchase, CancellationToken ct);
}
