using Commet.Domain.Billing;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>Cancel at the end of the billing period, in two steps (reason, then confirmation); and undo it.</summary>
public sealed class CancelModel(CancelSubscription cancel, UncancelSubscription uncancel) : PortalPageModel
{
    public const int MaxFeedback = 2000;

    public override PortalSection Section => PortalSection.Cancel;

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Feedback { get; set; }

    /// <summary>The second step: the customer chose a reason (or none) and is asked to confirm.</summary>
    public bool Confirming { get; private set; }

    public string? FeedbackError { get; private set; }

    public IActionResult OnGet() => Allowed() is { } stop ? stop : Page();

    public IActionResult OnPostReview(string? subscriptionId)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        if (Allowed() is { } stop)
        {
            return stop;
        }
        if (!Validate())
        {
            return Page();
        }
        Confirming = true;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(string? subscriptionId)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        if (Allowed() is { } stop)
        {
            return stop;
        }
        if (!Validate())
        {
            return Page();
        }
        var result = await cancel.HandleAsync(Portal.Scope, subscriptionId!, new CancelSubscriptionRequest
        {
            Reason = string.IsNullOrEmpty(Reason) ? null : Reason,
            Feedback = string.IsNullOrWhiteSpace(Feedback) ? null : Feedback,
        }, Ct);
        if (!result.IsSuccess)
        {
            Problem = PortalMessages.For(result.Error);
            return Page();
        }
        return Done("/portal", result.Value.Status == SubscriptionStatus.Canceled ? "canceled_now" : "canceled");
    }

    /// <summary>Undo a scheduled cancellation (also posted from the overview's banner).</summary>
    public async Task<IActionResult> OnPostUndoAsync(string? subscriptionId)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        var result = await uncancel.HandleAsync(Portal.Scope, subscriptionId!, Ct);
        if (!result.IsSuccess)
        {
            Problem = PortalMessages.For(result.Error);
            return Page();
        }
        return Done("/portal", "uncanceled");
    }

    private RedirectResult? Allowed()
    {
        var s = Portal.Subscription;
        return s is null || !Portal.HasLiveSubscription || s.CancelAtPeriodEnd ? Redirect("/portal") : null;
    }

    private bool Validate()
    {
        if (!string.IsNullOrEmpty(Reason) && !CancelReasons.Customer.Contains(Reason))
        {
            Reason = null;
        }
        if (Feedback is { Length: > MaxFeedback })
        {
            FeedbackError = Localization.Texts.Shared["Cancel.FeedbackTooLong", ("max", MaxFeedback)];
            return false;
        }
        return true;
    }
}
