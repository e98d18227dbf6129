using Commet.Domain;

namespace Commet.Server.Portal;

/// <summary>
/// What the portal says. Operations answer with coded errors; customers get sentences. A code not listed
/// gets a safe general sentence (never the code itself).
/// </summary>
public static class PortalMessages
{
    private static readonly Dictionary<string, string> Errors = new(StringComparer.Ordinal)
    {
        ["card_declined"] = "Your card was declined and nothing was charged. Try another card, or contact your bank.",
        ["payment_failed"] = "The payment did not go through and nothing was charged. Try another card, or contact your bank.",
        ["insufficient_funds"] = "Your card has insufficient funds and nothing was charged. Try another card.",
        ["expired_card"] = "This card has expired. Use another card.",
        ["invalid_card_number"] = "That card number is not valid. Check it and try again.",
        ["invalid_expiry"] = "That expiry date is not valid. Check it and try again.",
        ["provider_unsupported"] = "Payments are not available right now. Nothing was charged.",
        ["no_payment_method"] = "Add a card first, then try again.",
        ["seat_limit_exceeded"] = "You have more seats in use than that plan allows. Remove some seats first, then try again.",
        ["plans_not_in_same_group"] = "Your subscription cannot be moved to that plan.",
        ["plan_change_scheduled"] = "That change is scheduled for the end of your billing period.",
        ["no_change_requested"] = "You are already on that plan and billing interval.",
        ["already_scheduled"] = "Your subscription is set to cancel. Undo the cancellation first, then change your plan.",
        ["subscription_not_active"] = "That is not possible while your subscription is in its current state.",
        ["subscription_already_canceled"] = "Your subscription is already canceled.",
        ["not_scheduled_for_cancellation"] = "Your subscription is not set to cancel.",
        ["no_scheduled_change"] = "There is no scheduled plan change to undo.",
        ["invalid_subscription_status"] = "That is not possible while your subscription is in its current state.",
        ["already_has_active_subscription"] = "You already have a subscription.",
        ["plan_unavailable"] = "That plan is no longer available. Choose another plan.",
        ["no_prices_configured"] = "That plan cannot be chosen right now. Choose another plan.",
        ["addon_already_active"] = "That add-on is already active.",
        ["addon_not_active"] = "That add-on is not active.",
        ["addon_incompatible"] = "That add-on does not work with your plan.",
        ["hosted_session_completed"] = "This step was already completed.",
        ["no_outstanding_invoice"] = "There is nothing overdue to pay.",
        ["insufficient_credits"] = "You do not have enough credits.",
        ["insufficient_balance"] = "Your balance is too low.",
        ["subscription_past_due"] = "Purchases are paused while a payment is overdue. Pay the overdue amount first.",
        ["credits_not_available"] = "Your plan does not use credits.",
        ["balance_not_available"] = "Your plan does not use a balance.",
        ["credit_pack_not_found"] = "That credit pack is no longer on sale.",
        ["addon_not_found"] = "That add-on is no longer available.",
        ["purchases_blocked"] = "Purchases are paused while a payment is overdue. Pay the overdue amount first.",
        ["too_many_attempts"] = "You have tried to pay 3 times today. To protect your account, try again tomorrow or contact support.",
        ["concurrent_update"] = "Something changed at the same moment. Please try again.",
    };

    /// <summary>Short notices shown after an action (passed as <c>?m=…</c> on the redirect; only these codes are shown).</summary>
    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["upgraded"] = "Your plan was changed. The invoice is in your billing history.",
        ["change_scheduled"] = "Your plan change is scheduled for the end of the current billing period.",
        ["change_revoked"] = "The scheduled plan change was undone. You stay on your current plan.",
        ["trial_changed"] = "Your trial now uses the new plan.",
        ["canceled"] = "Your subscription is set to cancel at the end of the billing period.",
        ["canceled_now"] = "Your subscription was canceled.",
        ["uncanceled"] = "Your subscription will continue. The cancellation was undone.",
        ["reactivated"] = "Welcome back. Your subscription is active again.",
        ["recovered"] = "Payment received. Your subscription is active again.",
        ["card_saved"] = "Your card was saved.",
        ["card_saved_retry_failed"] = "Your card was saved, but the overdue payment failed. Try another card.",
        ["details_saved"] = "Your billing details were saved.",
        ["credits_bought"] = "Credits added to your account.",
        ["topped_up"] = "Your balance was topped up.",
        ["addon_on"] = "The add-on is active.",
        ["addon_off"] = "The add-on was removed.",
        ["started"] = "Your subscription has started.",
        ["paid"] = "Payment received. Your subscription is active.",
    };

    public static string For(Error error) => For(error.Code, error.Details);

    public static string For(string code, object? details = null)
    {
        if (code == "payment_failed" && details is PaymentFailedDetails { FailureCode: { } failure })
        {
            // Say the more specific sentence for the provider's reason when we have one.
            if (failure != "payment_failed" && Errors.TryGetValue(failure, out var specific))
            {
                return specific;
            }
        }
        return Errors.TryGetValue(code, out var sentence) ? sentence : "We could not do that, and nothing was changed. Please try again.";
    }

    public static string? Notice(string? code) => code is not null && Notices.TryGetValue(code, out var text) ? text : null;

    public static string Reason(string code) => code switch
    {
        "too_expensive" => "It's too expensive",
        "missing_features" => "It's missing features I need",
        "switched_service" => "I'm switching to another service",
        "unused" => "I don't use it enough",
        "customer_service" => "Customer service was not what I expected",
        "too_complex" => "It's too complicated",
        "low_quality" => "Quality was lower than I expected",
        "other" => "Another reason",
        _ => code,
    };
}
