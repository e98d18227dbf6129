using Commet.Domain;
using Commet.Server.Localization;

namespace Commet.Server.Portal;

/// <summary>
/// What the portal says. Operations answer with coded errors; customers get sentences, from the resource files
/// (<c>Error.{code}</c>, <c>Notice.{code}</c>, <c>Reason.{code}</c>). A code not listed gets a safe general
/// sentence (never the code itself).
/// </summary>
public static class PortalMessages
{
    private static Texts T => Texts.Shared;

    private static readonly HashSet<string> Errors = new(StringComparer.Ordinal)
    {
        "card_declined",
        "promo_code_not_found",
        "promo_code_expired",
        "promo_code_inactive",
        "promo_code_max_redemptions_reached",
        "promo_code_already_redeemed",
        "promo_code_not_applicable",
        "payment_failed",
        "insufficient_funds",
        "expired_card",
        "invalid_card_number",
        "invalid_expiry",
        "provider_unsupported",
        "no_payment_method",
        "seat_limit_exceeded",
        "plans_not_in_same_group",
        "plan_change_scheduled",
        "no_change_requested",
        "already_scheduled",
        "subscription_not_active",
        "subscription_already_canceled",
        "not_scheduled_for_cancellation",
        "no_scheduled_change",
        "invalid_subscription_status",
        "already_has_active_subscription",
        "plan_unavailable",
        "no_prices_configured",
        "addon_already_active",
        "addon_not_active",
        "addon_incompatible",
        "hosted_session_completed",
        "no_outstanding_invoice",
        "insufficient_credits",
        "insufficient_balance",
        "subscription_past_due",
        "credits_not_available",
        "balance_not_available",
        "credit_pack_not_found",
        "addon_not_found",
        "purchases_blocked",
        "too_many_attempts",
        "concurrent_update",
    };

    /// <summary>Short notices shown after an action (passed as <c>?m=…</c> on the redirect; only these codes are shown).</summary>
    private static readonly HashSet<string> Notices = new(StringComparer.Ordinal)
    {
        "upgraded",
        "change_scheduled",
        "change_revoked",
        "trial_changed",
        "canceled",
        "canceled_now",
        "uncanceled",
        "reactivated",
        "recovered",
        "card_saved",
        "card_saved_retry_failed",
        "details_saved",
        "credits_bought",
        "topped_up",
        "addon_on",
        "addon_off",
        "started",
        "paid",
    };

    public static string For(Error error) => For(error.Code, error.Details);

    public static string For(string code, object? details = null)
    {
        if (code == "payment_failed" && details is PaymentFailedDetails { FailureCode: { } failure })
        {
            // Say the more specific sentence for the provider's reason when we have one.
            if (failure != "payment_failed" && Errors.Contains(failure))
            {
                return T["Error." + failure];
            }
        }
        if (!Errors.Contains(code) && (code.StartsWith("promo_code_", StringComparison.Ordinal) || code is "discount_already_active" or "offer_not_applicable"))
        {
            // Plan, interval, currency, a discount already in force: to the customer, the code does not apply here.
            code = "promo_code_not_applicable";
        }
        return Errors.Contains(code) ? T["Error." + code] : T["Error.other"];
    }

    /// <summary>
    /// The notice for a code, with the numbers a redirect carried (<c>n</c>: how many were added, <c>left</c>: what is
    /// left now) when the notice has a version that says them ("500 credits added — 1,700 left"; a top-up's are minor
    /// units of <paramref name="currency"/>: "$25.50 added — $30.50 left").
    /// </summary>
    public static string? Notice(string? code, string? added = null, string? left = null, string? currency = null)
    {
        if (code is null || !Notices.Contains(code))
        {
            return null;
        }
        if (long.TryParse(added, out var n) && long.TryParse(left, out var l) && T.Has("Notice." + code + ".detail"))
        {
            if (code == "topped_up")
            {
                return currency is null ? T["Notice." + code]
                    : T["Notice." + code + ".detail", ("amount", PortalFormat.Money(n, currency)), ("left", PortalFormat.Money(l, currency))];
            }
            return T["Notice." + code + ".detail", ("count", n), ("left", l)];
        }
        return T["Notice." + code];
    }

    public static string Reason(string code) => T.Has("Reason." + code) ? T["Reason." + code] : code;
}
