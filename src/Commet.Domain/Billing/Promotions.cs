namespace Commet.Domain.Billing;

public static class DiscountTypes
{
    public const string Percentage = "percentage";
    public const string Amount = "amount";
    public static readonly string[] All = [Percentage, Amount];
}

/// <summary>
/// A promo code: a discount a customer enters when starting, upgrading or reactivating a subscription. The discount
/// is <c>percentage</c> (basis points, 1–9999) or <c>amount</c> (minor units of <see cref="Currency"/>), for
/// <see cref="DurationCycles"/> period invoices (1 = once, N = repeating, null = forever).
/// </summary>
public sealed class PromoCode : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }

    /// <summary>Upper case, <c>[A-Z0-9-]</c>; unique per organization and mode.</summary>
    public required string Code { get; set; }
    public required string DiscountType { get; set; }
    public long DiscountValue { get; set; }
    public string Currency { get; set; } = "USD";
    public int? DurationCycles { get; set; }

    /// <summary>Only subscriptions billed at this interval may use it; null: any.</summary>
    public string? BillingInterval { get; set; }
    public int? MaxRedemptions { get; set; }
    public int RedemptionCount { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>Plan IDs the code is limited to, comma-separated; null or empty: every plan.</summary>
    public string? PlanIds { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<string> PlanIdList => string.IsNullOrEmpty(PlanIds) ? [] : PlanIds.Split(',');

    /// <summary>
    /// Why this code cannot be used now on <paramref name="planId"/> at <paramref name="interval"/>, checked in this
    /// order: inactive, expired, used up, plan, interval (null: it can). Per-customer reuse and the redemption count
    /// under concurrency are checked by the database when it is redeemed.
    /// </summary>
    public Error? Refusal(string planId, string? interval, string currency, DateTime now)
    {
        if (!IsActive)
        {
            return Refused("promo_code_inactive", $"The promo code {Code} is no longer active.");
        }
        if (ExpiresAt is { } expires && expires <= now)
        {
            return Refused("promo_code_expired", $"The promo code {Code} expired on {expires:yyyy-MM-dd}.");
        }
        if (MaxRedemptions is { } max && RedemptionCount >= max)
        {
            return PromoCodeErrors.Exhausted(Code);
        }
        if (PlanIdList.Count > 0 && !PlanIdList.Contains(planId))
        {
            return Refused("promo_code_plan_not_eligible", $"The promo code {Code} does not apply to this plan.");
        }
        if (BillingInterval is not null && interval != BillingInterval)
        {
            return Refused("promo_code_interval_not_eligible", $"The promo code {Code} applies to {BillingInterval} billing only.");
        }
        if (DiscountType == DiscountTypes.Amount && !string.Equals(currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return Refused("promo_code_currency_mismatch", $"The promo code {Code} is an amount in {Currency}; this subscription is billed in {currency}.");
        }
        return null;
    }

    private static Error Refused(string code, string message) => new(code, message, 400, "invalid_request_error", "promoCode");
}

public static class PromoCodeErrors
{
    public static Error NotFound(string code) => new("promo_code_not_found", $"No promo code '{code}'.", 404, "invalid_request_error", "promoCode");

    public static Error Exhausted(string code) =>
        new("promo_code_max_redemptions_reached", $"The promo code {code} has been used as many times as it may be.", 400, "invalid_request_error", "promoCode");

    public static Error AlreadyRedeemed(string code) =>
        new("promo_code_already_redeemed", $"This customer has already used the promo code {code}.", 409, "conflict_error", "promoCode");

    public static Error DiscountActive(string name) =>
        new("discount_already_active", $"This subscription already has a discount ({name}); only one applies at a time.", 409, "conflict_error", "promoCode");
}

/// <summary>One use of a promo code: by one customer, once (unique), for one subscription.</summary>
public sealed class PromoRedemption
{
    public long Id { get; set; }
    public required string PromoCodeId { get; set; }
    public required string CustomerId { get; set; }
    public required string SubscriptionId { get; set; }
    public DateTime RedeemedAt { get; set; }
}

/// <summary>
/// The subscription's discount on its invoices. It applies to the whole invoice (plan, add-ons, seats, overage,
/// credits for unused time), once per invoice, rounded half away from zero to the minor unit, and never more than
/// the invoice's subtotal (an invoice is never negative).
/// </summary>
public static class SubscriptionDiscounts
{
    /// <summary>Puts the promo code's discount on the subscription (it applies from the next period invoice).</summary>
    public static void Start(Subscription s, PromoCode code, DateTime at)
    {
        s.DiscountType = code.DiscountType;
        s.DiscountValue = code.DiscountValue;
        s.DiscountName = code.Code;
        s.DiscountPromoCodeId = code.Id;
        s.DiscountPeriodsRemaining = code.DurationCycles;
        s.UpdatedAt = at;
    }

    /// <summary>What the discount takes off an invoice of <paramref name="subtotal"/> (0 when there is none).</summary>
    public static long AmountOff(string? type, long value, long subtotal, string currency)
    {
        if (type is null || subtotal <= 0)
        {
            return 0;
        }
        var off = type == DiscountTypes.Percentage
            ? new Money(subtotal, Domain.Currency.Of(currency)).MultiplyFraction(value, 10_000).MinorUnits
            : value;
        return Math.Min(off, subtotal);
    }

    /// <summary>
    /// Adds the discount line to an invoice that opens a billing period (the first, a renewal, a plan change that restarts
    /// the period, a reactivation) and counts one period used; the discount ends when none remain. Add it after every
    /// other line. Returns the line, or null when there is no discount (or nothing to take off).
    /// </summary>
    public static InvoiceLine? ApplyToPeriodInvoice(Subscription s, Invoice invoice)
    {
        if (s.DiscountType is null)
        {
            return null;
        }
        if (s.DiscountPeriodsRemaining is 0)
        {
            // Its last period was the one that just ended: the discount is over.
            Clear(s);
            return null;
        }
        var line = Line(s.DiscountType, s.DiscountValue, s.DiscountName, invoice);
        if (s.DiscountPeriodsRemaining is { } left)
        {
            s.DiscountPeriodsRemaining = left - 1;
        }
        return line;
    }

    /// <summary>
    /// Adds the discount line to an invoice within the current period (an add-on activated mid-period): the discount in
    /// force for this period (its last one included), without counting a period.
    /// </summary>
    public static InvoiceLine? ApplyMidPeriod(Subscription s, Invoice invoice) =>
        s.DiscountType is null || s.Status == SubscriptionStatus.Trialing ? null : Line(s.DiscountType, s.DiscountValue, s.DiscountName, invoice);

    /// <summary>Adds a discount line for the given terms (no period counted): previews use it for a code not yet redeemed.</summary>
    public static InvoiceLine? Line(string type, long value, string? name, Invoice invoice)
    {
        var subtotal = invoice.Lines.Where(l => l.LineType != LineTypes.Discount).Sum(l => l.Amount);
        var off = AmountOff(type, value, subtotal, invoice.Currency);
        if (off <= 0)
        {
            return null;
        }
        var line = new InvoiceLine
        {
            LineType = LineTypes.Discount,
            Description = type == DiscountTypes.Percentage
                ? $"{name} ({value / 100m:0.##}% off)"
                : $"{name} ({new Money(value, Domain.Currency.Of(invoice.Currency)).Format()} off)",
            Quantity = 1,
            UnitAmount = -off,
            Amount = -off,
            DiscountType = type,
            DiscountValue = value,
            DiscountName = name,
        };
        invoice.AddLine(line);
        return line;
    }

    public static void Clear(Subscription s)
    {
        s.DiscountType = null;
        s.DiscountValue = 0;
        s.DiscountName = null;
        s.DiscountPromoCodeId = null;
        s.DiscountPeriodsRemaining = null;
    }

    /// <summary>
    /// When the discount stops: the end of the last period it discounts, or null (forever, or none). The current
    /// period's invoice has already used its share unless the subscription is trialing. A discount whose last period
    /// is the current one stays set (0 remaining) until the next period invoice, which it no longer discounts.
    /// </summary>
    public static DateTime? EndsAt(Subscription s)
    {
        if (s.DiscountType is null || s.DiscountPeriodsRemaining is not { } left || s.BillingInterval is null)
        {
            return null;
        }
        return s.Status == SubscriptionStatus.Trialing && s.TrialEndsAt is { } trialEnd
            ? BillingCalendar.Boundary(trialEnd, s.BillingInterval, left)
            : BillingCalendar.Boundary(s.BillingAnchor, s.BillingInterval, s.Cycle + 1 + left);
    }
}
