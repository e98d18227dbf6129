using Commet.Domain;
using Commet.Server.Payments;

namespace Commet.Server.Subscriptions;

/// <summary>Errors that several subscription use cases answer.</summary>
public static class SubscriptionErrors
{
    public static readonly Error AlreadyHasActive =
        Error.Conflict("already_has_active_subscription", "This customer already has a live subscription. Change its plan instead.");

    public static Error NotFound(string id) => Error.NotFound("subscription", $"No subscription with ID '{Truncate(id)}'.");

    public static Error PaymentFailed(ChargeOutcome outcome, string? recoveryUrl) =>
        new("payment_failed", outcome.FailureMessage ?? "The payment failed.", 402, "card_error", null,
            new PaymentFailedDetails(outcome.FailureCode, recoveryUrl));

    /// <summary>The plan (or the plan a change goes to) cannot bill in the subscription's currency.</summary>
    public static Error MissingRegionalPrice(string why) =>
        new("missing_regional_price", why, 400, "invalid_request_error", "planId");

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
