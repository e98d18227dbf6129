using System.Text.Json.Serialization;

namespace Commet.Models;

/// <summary>What every object of the API has: whether it belongs to live data or to the sandbox.</summary>
public abstract class CommetObject
{
    /// <summary>True for live data (a <c>ck_live_</c> key), false for the sandbox (a <c>ck_test_</c> key).</summary>
    public bool Livemode { get; init; }
}

/// <summary>What a delete answers.</summary>
public sealed class DeletedObject : CommetObject
{
    /// <summary>The ID of the deleted object.</summary>
    public string Id { get; init; } = "";

    /// <summary>Always true.</summary>
    public bool Deleted { get; init; }

    /// <summary>The kind of the deleted object, such as <c>plan</c> or <c>api_key</c>.</summary>
    public string Object { get; init; } = "";
}

/// <summary>The state of a subscription.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SubscriptionStatus>))]
public enum SubscriptionStatus
{
    /// <summary><c>draft</c>: made, not started.</summary>
    [JsonStringEnumMemberName("draft")] Draft,
    /// <summary><c>pending_payment</c>: waiting for the first charge; do not grant access yet.</summary>
    [JsonStringEnumMemberName("pending_payment")] PendingPayment,
    /// <summary><c>trialing</c>: in its free trial.</summary>
    [JsonStringEnumMemberName("trialing")] Trialing,
    /// <summary><c>active</c>: paid and running.</summary>
    [JsonStringEnumMemberName("active")] Active,
    /// <summary><c>past_due</c>: a renewal charge failed and dunning is retrying it.</summary>
    [JsonStringEnumMemberName("past_due")] PastDue,
    /// <summary><c>canceled</c>: ended.</summary>
    [JsonStringEnumMemberName("canceled")] Canceled,
}

/// <summary>How often a price bills.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BillingInterval>))]
public enum BillingInterval
{
    /// <summary><c>weekly</c>.</summary>
    [JsonStringEnumMemberName("weekly")] Weekly,
    /// <summary><c>monthly</c>.</summary>
    [JsonStringEnumMemberName("monthly")] Monthly,
    /// <summary><c>quarterly</c>.</summary>
    [JsonStringEnumMemberName("quarterly")] Quarterly,
    /// <summary><c>yearly</c>.</summary>
    [JsonStringEnumMemberName("yearly")] Yearly,
    /// <summary><c>one_time</c>: charged once, never renews.</summary>
    [JsonStringEnumMemberName("one_time")] OneTime,
}

/// <summary>How a plan's usage is paid for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConsumptionModel>))]
public enum ConsumptionModel
{
    /// <summary><c>metered</c>: included units, then overage on the next invoice.</summary>
    [JsonStringEnumMemberName("metered")] Metered,
    /// <summary><c>credits</c>: usage spends credits.</summary>
    [JsonStringEnumMemberName("credits")] Credits,
    /// <summary><c>balance</c>: usage spends a prepaid money balance.</summary>
    [JsonStringEnumMemberName("balance")] Balance,
}

/// <summary>How an add-on's feature is consumed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AddonConsumptionModel>))]
public enum AddonConsumptionModel
{
    /// <summary><c>boolean</c>: the add-on switches a feature on.</summary>
    [JsonStringEnumMemberName("boolean")] Boolean,
    /// <summary><c>metered</c>.</summary>
    [JsonStringEnumMemberName("metered")] Metered,
    /// <summary><c>credits</c>.</summary>
    [JsonStringEnumMemberName("credits")] Credits,
    /// <summary><c>balance</c>.</summary>
    [JsonStringEnumMemberName("balance")] Balance,
}

/// <summary>The kind of a feature.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeatureType>))]
public enum FeatureType
{
    /// <summary><c>boolean</c>: on or off.</summary>
    [JsonStringEnumMemberName("boolean")] Boolean,
    /// <summary><c>usage</c>: counted units.</summary>
    [JsonStringEnumMemberName("usage")] Usage,
    /// <summary><c>seats</c>: a number of licences.</summary>
    [JsonStringEnumMemberName("seats")] Seats,
    /// <summary><c>quota</c>: an allowance set per customer.</summary>
    [JsonStringEnumMemberName("quota")] Quota,
}

/// <summary>How a discount is expressed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiscountType>))]
public enum DiscountType
{
    /// <summary><c>percentage</c>, in basis points (2500 = 25 %).</summary>
    [JsonStringEnumMemberName("percentage")] Percentage,
    /// <summary><c>amount</c>, in minor units.</summary>
    [JsonStringEnumMemberName("amount")] Amount,
}

/// <summary>The payment provider a charge went through.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PaymentProvider>))]
public enum PaymentProvider
{
    /// <summary><c>stripe</c>.</summary>
    [JsonStringEnumMemberName("stripe")] Stripe,
    /// <summary><c>commet</c>.</summary>
    [JsonStringEnumMemberName("commet")] Commet,
    /// <summary><c>dlocal</c>.</summary>
    [JsonStringEnumMemberName("dlocal")] Dlocal,
}
