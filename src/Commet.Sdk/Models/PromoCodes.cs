namespace Commet.Models;

/// <summary>
/// A promo code: a discount a customer enters when subscribing (or, on this server, when changing plan in the portal).
/// Codes are stored upper case and matched without regard to case; a code is never deleted, it is deactivated.
/// </summary>
public sealed class PromoCode : CommetObject
{
    /// <summary>The ID (<c>promo_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The code customers enter, upper case.</summary>
    public string Code { get; init; } = "";

    /// <summary>How the discount is expressed.</summary>
    public DiscountType DiscountType { get; init; }

    /// <summary>The discount: basis points for a percentage (2000 = 20 %), minor units for an amount.</summary>
    public long DiscountValue { get; init; }

    /// <summary>For how many billing periods the discount lasts; null: forever.</summary>
    public int? DurationCycles { get; init; }

    /// <summary>The only billing interval it applies to; null: any.</summary>
    public BillingInterval? BillingInterval { get; init; }

    /// <summary>How many times it may be redeemed in all; null: no limit.</summary>
    public int? MaxRedemptions { get; init; }

    /// <summary>When it stops being accepted; null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Whether it is accepted now (an inactive code is refused).</summary>
    public bool IsActive { get; init; }

    /// <summary>How many times it has been redeemed.</summary>
    public int RedemptionCount { get; init; }

    /// <summary>The plans it is limited to (their IDs); empty: every plan (a Commet for .NET addition).</summary>
    public IReadOnlyList<string>? PlanIds { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A new promo code.</summary>
public sealed class CreatePromoCodeRequest
{
    /// <summary>The code customers enter: letters, digits and hyphens, at most 50 (stored upper case).</summary>
    public string Code { get; set; } = "";

    /// <summary>How the discount is expressed.</summary>
    public DiscountType DiscountType { get; set; }

    /// <summary>
    /// The discount: basis points for a percentage (1 to 9,999: a 100 % code is not supported), minor units of the
    /// organization's currency for an amount.
    /// </summary>
    public long DiscountValue { get; set; }

    /// <summary>For how many billing periods the discount lasts (1–120); null: forever.</summary>
    public int? DurationCycles { get; set; }

    /// <summary>The only billing interval it applies to; null: any.</summary>
    public BillingInterval? BillingInterval { get; set; }

    /// <summary>How many times it may be redeemed in all; null: no limit.</summary>
    public int? MaxRedemptions { get; set; }

    /// <summary>When it stops being accepted (in the future); null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The plans it is limited to, by ID or code; null or empty: every plan.</summary>
    public IList<string>? PlanIds { get; set; }
}

/// <summary>
/// Changes to a promo code. Null fields are not changed; to remove the interval restriction, the redemption limit or the
/// expiry, set its <c>Clear…</c> flag. The code, its discount and its duration cannot change: make a new code instead.
/// </summary>
public sealed class UpdatePromoCodeRequest
{
    /// <summary>A new interval restriction.</summary>
    public BillingInterval? BillingInterval { get; set; }

    /// <summary>Removes the interval restriction (the code applies to any interval).</summary>
    public bool ClearBillingInterval { get; set; }

    /// <summary>A new redemption limit (no lower than the redemptions already made).</summary>
    public int? MaxRedemptions { get; set; }

    /// <summary>Removes the redemption limit.</summary>
    public bool ClearMaxRedemptions { get; set; }

    /// <summary>A new expiry (in the future).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Removes the expiry (the code never expires).</summary>
    public bool ClearExpiresAt { get; set; }

    /// <summary>Switches the code on or off.</summary>
    public bool? Active { get; set; }

    /// <summary>The plans it is limited to, by ID or code (replaces the list; empty: every plan).</summary>
    public IList<string>? PlanIds { get; set; }
}
