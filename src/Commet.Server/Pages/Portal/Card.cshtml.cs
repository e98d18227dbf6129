using Commet.Domain.Billing;
using Commet.Server.Payments;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>
/// The portal's card form. It saves the card with the same operation as the hosted payment pages
/// (<see cref="CompleteHostedPage"/>) and then does what was waiting for a card: a purchase,
/// a plan change, the first payment, an overdue payment. <c>{id}</c> is an open hosted session of this customer,
/// or <c>replace</c> (replace or add the card) or <c>recover</c> (pay an overdue invoice with a new card).
/// </summary>
public sealed class CardModel(PortalActions actions, PortalCardAttempts attempts, PlanChanges changes, StripeCheckout stripe, HostedLinks links) : PortalPageModel
{
    /// <summary>Whether cards are collected on Stripe Checkout (the organization connected Stripe in this mode) instead of the form.</summary>
    public bool UsesStripe { get; private set; }

    public const string Replace = "replace";
    public const string Recover = "recover";

    public override PortalSection Section => PortalSection.Overview;

    public string Heading { get; private set; } = L["Card.Heading.Add"];

    public string? Intro { get; private set; }

    public string? AmountLabel { get; private set; }

    public string SubmitLabel { get; private set; } = L["Card.Save"];

    public PaymentMethod? CurrentCard { get; private set; }

    public PortalCardForm Form { get; } = new();

    /// <summary>What a purchase or plan change waiting for a card costs now (Checkout takes it in <c>mode=payment</c>).</summary>
    public AmountDue? DueNow { get; private set; }

    /// <summary>Where the form posts: the session the first attempt created, so retries do not make new ones.</summary>
    public string FormId { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var session = await DescribeAsync(id);
        UsesStripe = await stripe.UsesStripeAsync(Portal.Db, Portal.Scope.Tenant.OrganizationId, Portal.Scope.Tenant.Livemode, Ct);
        return session ?? Page();
    }

    /// <summary><c>GET /portal/card/{id}?handler=stripe</c>: opens Stripe Checkout (a card is saved there) and sends the customer to it.</summary>
    public async Task<IActionResult> OnGetStripeAsync(string id)
    {
        if (await DescribeAsync(id) is { } stop)
        {
            return stop;
        }
        UsesStripe = true;
        HostedSession? session = id switch
        {
            Replace => await actions.NewCardSessionAsync(Portal, HostedKinds.PaymentMethod, Ct),
            Recover => await actions.NewCardSessionAsync(Portal, HostedKinds.Recovery, Ct),
            _ => await PortalActions.OpenSessionAsync(Portal, id, Ct),
        };
        if (session is null)
        {
            return Redirect("/portal");
        }
        var baseUrl = links.Base(Billing.BillingScopes.BaseUrlOf(Request));
        var started = await stripe.StartAsync(Portal.Db, session,
            $"{baseUrl}/portal/card/{session.Id}?handler=stripeReturn&session_id={StripeCheckout.SessionIdPlaceholder}", $"{baseUrl}/portal/card/{id}", Ct, DueNow);
        if (!started.IsSuccess)
        {
            Problem = PortalMessages.For(started.Error);
            return Page();
        }
        return Redirect(started.Value);
    }

    /// <summary>Back from Stripe Checkout: the session is read from Stripe and completes what the card was for (once, with the webhook).</summary>
    public async Task<IActionResult> OnGetStripeReturnAsync(string id, [FromQuery(Name = "session_id")] string? checkoutSessionId)
    {
        var session = await Portal.Db.HostedSessions.AsNoTracking().FirstOrDefaultAsync(h => h.Id == id && h.CustomerId == Portal.Customer.Id, Ct);
        if (session is null || string.IsNullOrEmpty(checkoutSessionId) || checkoutSessionId.Length > 255)
        {
            return NotFound();
        }
        var collected = await stripe.CollectAsync(Portal.Db, session.OrganizationId, session.Livemode, checkoutSessionId, session.Id, Ct);
        if (collected.IsSuccess && collected.Value is { } found)
        {
            if (session.CompletedAt is not null)
            {
                // Stripe's webhook completed it first (or this is a second payment for it, which is refunded).
                await SettleAsync(session, found.Card, claimed: false);
                return Redirect(await DoneAsync(session, DoneNotice(session)));
            }
            var outcome = await actions.CompleteCardAsync(Portal, session, null, Ct, found.Card);
            await SettleAsync(session, found.Card, claimed: outcome.Error?.Code != "hosted_session_completed");
            if (outcome.Error is null || outcome.Error.Code == "hosted_session_completed")
            {
                return Redirect(await DoneAsync(session, outcome.Notice ?? DoneNotice(session)));
            }
            Problem = PortalMessages.For(outcome.Error);
        }
        else
        {
            Problem = collected.IsSuccess ? "The card was not saved on Stripe's page. Try again." : PortalMessages.For(collected.Error);
        }
        await DescribeAsync(session.Kind == HostedKinds.Recovery ? Recover : Replace);
        UsesStripe = true;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>Refunds a Checkout payment nothing took (see <see cref="StripeCheckout.SettleAsync"/>); Stripe's webhook tries again if this fails.</summary>
    private async Task SettleAsync(HostedSession session, CollectedCard card, bool claimed)
    {
        try
        {
            await stripe.SettleAsync(Portal.Scope, session.Id, card, claimed, Ct);
        }
        catch (Exception ex) when (ex is Stripe.StripeException or HttpRequestException or TaskCanceledException or InvalidOperationException && !Ct.IsCancellationRequested)
        {
            // The webhook for the same Checkout Session settles it when Stripe sends it (again).
        }
    }

    /// <summary>What the portal says when a card step was completed before the customer came back (by Stripe's webhook).</summary>
    private static string DoneNotice(HostedSession session) =>
        session.Kind == PortalActions.IntentKind && PendingPurchase.FromJson(session.PurchaseJson) is { } intent ? PortalActions.NoticeFor(intent)
        : session.Kind == HostedKinds.Checkout && session.TargetPlanId is not null ? "upgraded"
        : session.Kind == HostedKinds.Recovery ? "recovered"
        : "card_saved";

    /// <summary>
    /// Where the customer lands after the card step, with its notice; a credit pack or top-up carried out by the step says
    /// what changed, as on the confirm page ("500 credits added — 1,700 left").
    /// </summary>
    private async Task<string> DoneAsync(HostedSession session, string notice)
    {
        if (notice is not ("credits_bought" or "topped_up" or "addon_on"))
        {
            return DonePath("/portal", notice);
        }
        var purchase = session.Kind == PortalActions.IntentKind ? PendingPurchase.FromJson(session.PurchaseJson) : null;
        return DonePath("/portal/purchases", notice) + await PurchaseNotices.DetailAsync(Portal, purchase, Ct);
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        CardInput? card = null;
        return await ChargeOnceAsync(async () =>
        {
            if (await DescribeAsync(id) is { } stop)
            {
                return stop;
            }
            if (attempts.IsBlocked(Portal.Session.Id))
            {
                Problem = L["Card.TooManyRefused"];
                return null;
            }
            card = Form.Read(Request.Form, Portal.Now.Year);
            if (card is null)
            {
                Problem = Form.Errors.Count == 1 ? L["Details.Err.One"] : L["Details.Err.Many"];
            }
            return null;
        }, async () =>
        {
            HostedSession? session = id switch
            {
                Replace => await actions.NewCardSessionAsync(Portal, HostedKinds.PaymentMethod, Ct),
                Recover => await actions.NewCardSessionAsync(Portal, HostedKinds.Recovery, Ct),
                _ => await PortalActions.OpenSessionAsync(Portal, id, Ct),
            };
            if (session is null)
            {
                return PortalFormOutcome.To("/portal");
            }
            FormId = session.Id;
            var outcome = await actions.CompleteCardAsync(Portal, session, card!, Ct);
            if (outcome.Error is { } error)
            {
                if (error.Code is not "too_many_attempts")
                {
                    attempts.Refused(Portal.Session.Id);
                }
                var code = error.Code == "payment_failed" && error.Details is PaymentFailedDetails { FailureCode: { } failure } ? failure : error.Code;
                return PortalFormOutcome.Failed(PortalMessages.For(error), code);
            }
            return PortalFormOutcome.To(await DoneAsync(session, outcome.Notice ?? "card_saved"));
        }, async failed =>
        {
            Form.Refused(failed.Code ?? "");
            // The card may have been saved even though what followed failed (for example a purchase declined later).
            await Portal.RefreshAsync(Ct);
            CurrentCard = await Portal.CardAsync(Ct);
        });
    }

    /// <summary>Sets what the page says for the given purpose; an answer other than null ends the request.</summary>
    private async Task<IActionResult?> DescribeAsync(string id)
    {
        var p = Portal;
        var s = p.Subscription;
        FormId = id;
        CurrentCard = await p.CardAsync(Ct);
        if (id == Replace)
        {
            Heading = CurrentCard is null ? L["Card.Heading.Add"] : L["Card.Heading.Replace"];
            Intro = s?.Status == SubscriptionStatus.PastDue
                ? L["Card.Intro.ReplaceOverdue"]
                : L["Card.Intro.Replace"];
            SubmitLabel = s?.Status == SubscriptionStatus.PastDue ? L["Card.SaveAndPay"] : L["Card.Save"];
            return null;
        }
        if (id == Recover)
        {
            if (s is null || s.Status != SubscriptionStatus.PastDue)
            {
                return Redirect("/portal");
            }
            var overdue = await p.Db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == s.OutstandingInvoiceId, Ct);
            Heading = L["Card.Heading.Recover"];
            Intro = L["Card.Intro.Recover"];
            if (overdue is not null)
            {
                AmountLabel = L["Card.DueNowInvoice", ("amount", p.Money(overdue.Total, overdue.Currency)), ("number", overdue.Number)];
                SubmitLabel = L["Confirm.Pay", ("amount", p.Money(overdue.Total, overdue.Currency))];
            }
            return null;
        }

        var session = await PortalActions.OpenSessionAsync(p, id, Ct);
        if (session is null)
        {
            return NotFound();
        }
        if (session.Kind == PortalActions.IntentKind)
        {
            var intent = PendingPurchase.FromJson(session.PurchaseJson);
            var preview = intent is null ? null : await PortalCharges.PreviewAsync(p, intent, Ct);
            if (preview is null)
            {
                return NotFound();
            }
            DueNow = new AmountDue(preview.AmountNow, preview.Currency, preview.What);
            Heading = L["Card.Heading.Continue"];
            Intro = L["Card.Intro.Purchase", ("what", preview.What), ("detail", preview.Detail)];
            AmountLabel = L["Confirm.DueNow", ("amount", p.Money(preview.AmountNow, preview.Currency))];
            SubmitLabel = L["Card.SaveAndPayAmount", ("amount", p.Money(preview.AmountNow, preview.Currency))];
            return null;
        }
        if (session.Kind == HostedKinds.Checkout && session.TargetPlanId is not null && s is not null)
        {
            var planned = await changes.PlanAsync(p.Scope, s, session.TargetPlanId, session.TargetInterval, Ct);
            Heading = L["Card.Heading.ChangePlan"];
            if (planned.IsSuccess && planned.Value.Quote is { } q)
            {
                DueNow = new AmountDue(q.Total.MinorUnits, q.Total.Currency.Code, planned.Value.Target.Name);
                Intro = L["Card.Intro.ChangePlan", ("plan", planned.Value.Target.Name)];
                AmountLabel = L["Confirm.DueNow", ("amount", p.Money(q.Total.MinorUnits))];
                SubmitLabel = L["Card.SaveAndPayAmount", ("amount", p.Money(q.Total.MinorUnits))];
            }
            return null;
        }
        if (session.Kind == HostedKinds.Checkout && s is not null && s.Id == session.SubscriptionId && s.Status == SubscriptionStatus.PendingPayment)
        {
            var invoice = await p.Db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == s.OutstandingInvoiceId, Ct);
            Heading = L["Card.Heading.Start"];
            Intro = L["Card.Intro.Saved"];
            if (invoice is not null)
            {
                AmountLabel = L["Confirm.DueNow", ("amount", p.Money(invoice.Total, invoice.Currency))];
                SubmitLabel = L["Confirm.Pay", ("amount", p.Money(invoice.Total, invoice.Currency))];
            }
            return null;
        }
        if (session.Kind == HostedKinds.Checkout && s is not null && s.Status == SubscriptionStatus.Trialing)
        {
            Heading = L["Card.Heading.Trial"];
            Intro = L["Card.Intro.Trial", ("date", p.Format.Date(s.TrialEndsAt))];
            return null;
        }
        if (session.Kind == HostedKinds.Recovery)
        {
            return Redirect("/portal/card/recover");
        }
        Heading = CurrentCard is null ? L["Card.Heading.Add"] : L["Card.Heading.Replace"];
        Intro = L["Card.Intro.Default"];
        return null;
    }

    private static Localization.Texts L => Localization.Texts.Shared;
}
