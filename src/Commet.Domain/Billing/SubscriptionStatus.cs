namespace Commet.Domain.Billing;

public static class SubscriptionStatus
{
    public const string PendingPayment = "pending_payment";
    public const string Trialing = "trialing";
    public const string Active = "active";
    public const string PastDue = "past_due";
    public const string Canceled = "canceled";

    /// <summary>Statuses that count as the customer's one live subscription.</summary>
    public static readonly string[] Live = [PendingPayment, Trialing, Active, PastDue];

    public static bool IsLive(string status) => Live.Contains(status);
}

public static class CancelReasons
{
    public static readonly string[] Customer =
        ["too_expensive", "missing_features", "switched_service", "unused", "customer_service", "too_complex", "low_quality", "other"];

    public const string DunningExhausted = "dunning_exhausted";
}

public static class InvoiceTypes
{
    public const string Recurring = "recurring";
    public const string PlanChange = "plan_change";
    public const string Adjustment = "adjustment";
    public const string CreditPurchase = "credit_purchase";
    public const string BalanceTopup = "balance_topup";
    public const string AddonActivation = "addon_activation";
    public const string Reactivation = "reactivation";
    public const string OneTimePayment = "one_time_payment";
    public const string Initial = "recurring";
}

public static class InvoiceStatus
{
    public const string Draft = "draft";
    public const string Outstanding = "outstanding";
    public const string Paid = "paid";
    public const string Void = "void";
    public const string Uncollectible = "uncollectible";
}

public static class LineTypes
{
    public const string PlanBase = "plan_base";
    public const string FeatureOverage = "feature_overage";
    public const string FeatureSeats = "feature_seats";
    public const string FeatureQuota = "feature_quota";
    public const string Credit = "credit";
    public const string BalanceOverage = "balance_overage";
    public const string AddonBase = "addon_base";
    public const string OneTime = "one_time";

    /// <summary>A negative line: the subscription's discount (a promo code) on the whole invoice.</summary>
    public const string Discount = "discount";
}

public static class TransactionStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Refunded = "refunded";
    public const string Disputed = "disputed";
}
