using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.HostedPages;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Pay;

public enum NoticeTone
{
    Problem,
    Info,
    Good,
}

/// <summary>What a POST of the page answered, kept with its one-time token so a repeat answers the same.</summary>
public sealed record PayOutcome(int Status, bool Sandbox, PayNotice? Notice = null, string? RefusedMessage = null, string? RefusedParam = null, bool LinkUsed = false)
{
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Http.Api.Json);

    public static PayOutcome FromJson(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<PayOutcome>(json, Http.Api.Json) ?? new PayOutcome(StatusCodes.Status410Gone, false, LinkUsed: true);
}

/// <summary>A page with a message instead of a form: success, a dead link, an expired form, a failure.</summary>
public sealed record PayNotice(string Heading, string Message, string? Merchant = null, string? ReturnUrl = null, NoticeTone Tone = NoticeTone.Problem,
    IReadOnlyList<string>? Details = null, string? RetryUrl = null);

/// <summary>
/// The hosted payment page at <c>/pay/{token}</c>: checkout, card update and recovery. GET shows what is
/// being paid and a card form; POST hands the card to <see cref="CompleteHostedPage"/>.
/// Antiforgery is checked by hand (not by the automatic filter) so a failure gets a readable page.
/// </summary>
[IgnoreAntiforgeryToken(Order = 1001)]
public sealed class IndexModel(CommetDb db, OpenHostedPage open, CompleteHostedPage complete, HostedLinks links, BillingScopes scopes, BillingClock clock, IAntiforgery antiforgery,
    PayAttempts attempts, StripeCheckout stripe, PlanChanges changes, ILogger<IndexModel> logger) : PageModel
{
    /// <summary>Whether the card is collected on Stripe Checkout (the organization connected Stripe in this mode) instead of the form.</summary>
    public bool UsesStripe { get; private set; }

    /// <summary>The link's token, for the link to Stripe Checkout.</summary>
    public string Token { get; private set; } = "";

    public PayView? View { get; private set; }

    public PayNotice? Notice { get; private set; }

    public CardForm Form { get; } = new();

    /// <summary>Whether the sandbox banner shows; false when the page does not know the link's mode.</summary>
    public bool Sandbox { get; private set; }

    /// <summary>The one-time token of the card forms this render shows (see <see cref="ChargeForms"/>).</summary>
    public string ChargeToken { get; } = ChargeForms.NewToken();

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        PayHeaders.Apply(Response);
        var opened = await open.HandleAsync(db, token, clock.RealNow, ct);
        if (!opened.IsSuccess)
        {
            return await LinkProblemAsync(token, opened.Error, ct);
        }
        View = await PayViews.LoadAsync(db, opened.Value, ct);
        Sandbox = View.Sandbox;
        Token = token;
        UsesStripe = await stripe.UsesStripeAsync(db, opened.Value.OrganizationId, opened.Value.Livemode, ct);
        return Page();
    }

    /// <summary><c>GET /pay/{token}?handler=stripe</c>: opens Stripe Checkout for this link and sends the customer there.</summary>
    public async Task<IActionResult> OnGetStripeAsync(string token, CancellationToken ct)
    {
        PayHeaders.Apply(Response);
        var opened = await open.HandleAsync(db, token, clock.RealNow, ct);
        if (!opened.IsSuccess)
        {
            return await LinkProblemAsync(token, opened.Error, ct);
        }
        var session = opened.Value;
        View = await PayViews.LoadAsync(db, session, ct);
        Sandbox = View.Sandbox;
        if (View.NothingDue is not null)
        {
            return Page();
        }
        var page = $"{links.Base(BillingScopes.BaseUrlOf(Request))}/pay/{token}";
        AmountDue? due = null;
        if (session.TargetPlanId is not null && session.SubscriptionId is not null)
        {
            // A plan change waiting for a card: Checkout takes what the change charges now (the quote), and the change records it.
            var scope = await scopes.ForAsync(db, session.OrganizationId, session.Livemode, BillingScopes.BaseUrlOf(Request), ct);
            var s = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == session.SubscriptionId, ct);
            var planned = s is null ? (Result<PlannedChange>?)null : await changes.PlanAsync(scope, s, session.TargetPlanId, session.TargetInterval, ct);
            if (planned is { IsSuccess: true } p && p.Value.Quote is { } quote)
            {
                due = new AmountDue(quote.Total.MinorUnits, quote.Total.Currency.Code, p.Value.Target.Name);
            }
        }
        else if (PendingPurchase.FromJson(session.PurchaseJson) is { Action: PendingPurchase.PaymentLink, Id: { } paymentId }
            && await db.OneOffPayments.AsNoTracking().FirstOrDefaultAsync(x => x.Id == paymentId, ct) is { } payment)
        {
            // A payment link: Checkout takes its amount (mode=payment), and paying the link records that payment.
            due = new AmountDue(payment.AmountTotal, payment.Currency, payment.Description);
        }
        var started = await stripe.StartAsync(db, session, $"{page}?handler=stripeReturn&session_id={StripeCheckout.SessionIdPlaceholder}", page, ct, due);
        if (!started.IsSuccess)
        {
            return Show(started.Error.Status, new PayNotice(T["Pay.Notice.TryAgain"], Refusal(started.Error), View.Merchant, View.ReturnUrl, RetryUrl: page));
        }
        return Redirect(started.Value);
    }

    /// <summary>
    /// <c>GET /pay/{token}?handler=stripeReturn&amp;session_id=cs_…</c>: back from Stripe Checkout. The Checkout Session is read
    /// from Stripe (never trusted from the URL alone) and completes the link, unless Stripe's webhook has done so already.
    /// </summary>
    public async Task<IActionResult> OnGetStripeReturnAsync(string token, [FromQuery(Name = "session_id")] string? checkoutSessionId, CancellationToken ct)
    {
        PayHeaders.Apply(Response);
        var sessionId = links.SessionIdOf(token);
        var session = sessionId is null ? null : await db.HostedSessions.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || string.IsNullOrEmpty(checkoutSessionId) || checkoutSessionId.Length > 255)
        {
            return await LinkProblemAsync(token, Error.NotFound("hosted_session", "Not found."), ct);
        }
        View = await PayViews.LoadAsync(db, session, ct);
        Sandbox = View.Sandbox;
        var page = $"{links.Base(BillingScopes.BaseUrlOf(Request))}/pay/{token}";
        var collected = await stripe.CollectAsync(db, session.OrganizationId, session.Livemode, checkoutSessionId, session.Id, ct);
        if (!collected.IsSuccess)
        {
            return collected.Error.Status == StatusCodes.Status404NotFound
                ? await LinkProblemAsync(token, collected.Error, ct)
                : Show(collected.Error.Status, new PayNotice(T["Pay.Notice.TryAgain"], Refusal(collected.Error), View.Merchant, View.ReturnUrl, RetryUrl: Request.Path + Request.QueryString));
        }
        if (collected.Value is not { } found)
        {
            return Show(StatusCodes.Status409Conflict, new PayNotice(T["Pay.Notice.NotFinished"], T["Pay.Notice.NotFinishedBody"], View.Merchant, View.ReturnUrl, RetryUrl: page));
        }
        var scope = await scopes.ForAsync(db, session.OrganizationId, session.Livemode, BillingScopes.BaseUrlOf(Request), ct);
        if (session.CompletedAt is not null)
        {
            await SettleAsync(scope, session, found.Card, claimed: false, ct);
            return Show(StatusCodes.Status200OK, await SuccessAsync(session, new HostedOutcome(T["Hosted.Received"], session.ReturnUrl), ct));
        }
        var done = await complete.HandleAsync(scope, session.Id, null, ct, found.Card);
        await SettleAsync(scope, session, found.Card, claimed: done.IsSuccess || done.Error.Code != "hosted_session_completed", ct);
        if (done.IsSuccess)
        {
            logger.LogInformation("Hosted page {SessionId} ({Kind}) completed through Stripe Checkout", session.Id, session.Kind);
            return Show(StatusCodes.Status200OK, await SuccessAsync(session, done.Value, ct));
        }
        if (done.Error.Code == "hosted_session_completed")
        {
            // Stripe's webhook completed it a moment earlier.
            return Show(StatusCodes.Status200OK, await SuccessAsync(session, new HostedOutcome(T["Hosted.Received"], session.ReturnUrl), ct));
        }
        logger.LogInformation("Hosted page {SessionId} ({Kind}): Stripe Checkout completed, then refused with {Code}", session.Id, session.Kind, done.Error.Code);
        return Show(StatusCodes.Status422UnprocessableEntity, new PayNotice(T["Pay.Notice.NotCompleted"], Refusal(done.Error), View.Merchant, View.ReturnUrl, RetryUrl: page));
    }

    /// <summary>Refunds a Checkout payment nothing took (see <see cref="StripeCheckout.SettleAsync"/>); Stripe's webhook tries again if this fails.</summary>
    private async Task SettleAsync(BillingScope scope, HostedSession session, CollectedCard card, bool claimed, CancellationToken ct)
    {
        try
        {
            await stripe.SettleAsync(scope, session.Id, card, claimed, ct);
        }
        catch (Exception ex) when (ex is Stripe.StripeException or HttpRequestException or TaskCanceledException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Hosted page {SessionId}: refunding an unused Checkout payment failed ({Kind}); the webhook will retry", session.Id, ex.GetType().Name);
        }
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        PayHeaders.Apply(Response);
        if (!await AntiforgeryValidAsync() || !Request.HasFormContentType)
        {
            return Show(StatusCodes.Status400BadRequest, new PayNotice(T["Pay.Notice.TryAgain"], T["Pay.Notice.FormExpired"],
                RetryUrl: Request.Path.Value));
        }
        var form = await Request.ReadFormAsync(ct);
        var chargeToken = form[ChargeForms.Field].ToString();
        var sessionId = links.SessionIdOf(token);
        var wellFormed = ChargeForms.IsWellFormed(chargeToken);
        // A repeat of a form that was sent already (double click, resend): the first submit's answer.
        if (sessionId is not null && wellFormed && await ChargeForms.FirstOutcomeAsync(db, sessionId, chargeToken, ct) is { } first)
        {
            return await ReplayAsync(token, sessionId, first, ct);
        }
        var opened = await open.HandleAsync(db, token, clock.RealNow, ct);
        if (!opened.IsSuccess)
        {
            // The link may have been completed by a submit of this same form that committed meanwhile.
            if (sessionId is not null && wellFormed && await ChargeForms.FirstOutcomeAsync(db, sessionId, chargeToken, ct) is { } done)
            {
                return await ReplayAsync(token, sessionId, done, ct);
            }
            return await LinkProblemAsync(token, opened.Error, ct);
        }
        var session = opened.Value;
        View = await PayViews.LoadAsync(db, session, ct);
        Sandbox = View.Sandbox;
        if (View.NothingDue is not null)
        {
            // Nothing is due any more: perhaps because a submit of this same form has just paid it.
            if (sessionId is not null && wellFormed && await ChargeForms.FirstOutcomeAsync(db, sessionId, chargeToken, ct) is { } paid)
            {
                return await ReplayAsync(token, sessionId, paid, ct);
            }
            // Or because another submit (a second tab) completed the link after this one opened it: the link is used.
            if (await CompletedAsync(session.Id, ct))
            {
                return await LinkProblemAsync(token, Error.Conflict("hosted_session_completed", "This payment link was already used."), ct);
            }
            return Page();
        }
        if (!wellFormed)
        {
            return Show(StatusCodes.Status400BadRequest, new PayNotice(T["Pay.Notice.TryAgain"], T["Pay.Notice.FormOutdated"], View.Merchant, View.ReturnUrl,
                RetryUrl: Request.Path.Value));
        }
        if (attempts.IsBlocked(session.Id))
        {
            return Show(StatusCodes.Status429TooManyRequests, new PayNotice(T["Pay.Notice.TooMany"], T["Pay.Notice.TooManyBody"], View.Merchant, View.ReturnUrl));
        }

        var scope = await scopes.ForAsync(db, session.OrganizationId, session.Livemode, BillingScopes.BaseUrlOf(Request), ct);
        // No card: the operation charges the card on file (offered on recovery pages only).
        CardInput? card = null;
        var useSaved = form["use"] == "saved" && View.SavedCard is not null;
        if (!useSaved)
        {
            card = Form.Read(form, scope.Now.Year);
            if (card is null)
            {
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            }
        }

        string outcome;
        try
        {
            // The token is claimed in the transaction that completes the page, with what the page answers.
            (outcome, _) = await ChargeForms.OnceAsync(db, scope.Tenant, session.Id, chargeToken, clock.RealNow,
                async () => (await CompleteAsync(scope, session, card, ct)).ToJson(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The operation rolled back; its exception never carries card data (cards are not written anywhere).
            logger.LogError(ex, "Hosted page {SessionId} ({Kind}) failed", session.Id, session.Kind);
            db.ChangeTracker.Clear();
            return await AfterFailureAsync(token, session, chargeToken, ct);
        }
        return await ShowAsync(token, PayOutcome.FromJson(outcome), ct);
    }

    /// <summary>Completes the page; what it answers is kept with the claimed token.</summary>
    private async Task<PayOutcome> CompleteAsync(BillingScope scope, HostedSession session, CardInput? card, CancellationToken ct)
    {
        var done = await complete.HandleAsync(scope, session.Id, card, ct);
        if (!done.IsSuccess)
        {
            var error = done.Error;
            if (error.Code == "hosted_session_completed")
            {
                return new PayOutcome(StatusCodes.Status410Gone, Sandbox, LinkUsed: true);
            }
            attempts.Refused(session.Id);
            logger.LogInformation("Hosted page {SessionId} ({Kind}): refused with {Code}", session.Id, session.Kind, error.Code);
            return new PayOutcome(StatusCodes.Status422UnprocessableEntity, Sandbox, RefusedMessage: Refusal(error), RefusedParam: error.Param);
        }
        logger.LogInformation("Hosted page {SessionId} ({Kind}) completed", session.Id, session.Kind);
        return new PayOutcome(StatusCodes.Status200OK, Sandbox, await SuccessAsync(session, done.Value, ct));
    }

    /// <summary>The first submit's answer, shown again to a repeat of the same form.</summary>
    private async Task<IActionResult> ReplayAsync(string token, string sessionId, string json, CancellationToken ct)
    {
        var outcome = PayOutcome.FromJson(json);
        if (outcome.RefusedMessage is not null)
        {
            // The form again with the refusal: load what the page shows.
            var session = await db.HostedSessions.IgnoreQueryFilters().AsNoTracking().FirstAsync(s => s.Id == sessionId, ct);
            View = await PayViews.LoadAsync(db, session, ct);
        }
        return await ShowAsync(token, outcome, ct);
    }

    private async Task<IActionResult> ShowAsync(string token, PayOutcome outcome, CancellationToken ct)
    {
        Sandbox = outcome.Sandbox;
        if (outcome.LinkUsed)
        {
            return await LinkProblemAsync(token, Error.Conflict("hosted_session_completed", "This payment link was already used."), ct);
        }
        if (outcome.Notice is not null)
        {
            return Show(outcome.Status, outcome.Notice);
        }
        Form.Refused(outcome.RefusedMessage ?? "", outcome.RefusedParam);
        Response.StatusCode = outcome.Status;
        return Page();
    }

    private async Task<bool> AntiforgeryValidAsync()
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(HttpContext);
        }
        catch (Exception ex) when (ex is AntiforgeryValidationException or InvalidDataException or BadHttpRequestException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<PayNotice> SuccessAsync(HostedSession session, HostedOutcome outcome, CancellationToken ct)
    {
        var view = View!;
        var card = await db.PaymentMethods.AsNoTracking()
            .Where(m => m.CustomerId == session.CustomerId && m.IsDefault && m.DetachedAt == null)
            .FirstOrDefaultAsync(ct);
        var subscription = session.SubscriptionId is null ? null
            : await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == session.SubscriptionId, ct);
        var stillOverdue = subscription?.Status == SubscriptionStatus.PastDue;

        var paid = view.Purpose is PayPurpose.PayInvoice or PayPurpose.Recovery or PayPurpose.ChangePlan;
        var details = new List<string>();
        if (paid && view.Reference is not null)
        {
            details.Add(T["Pay.Notice.PaidTo", ("reference", view.Reference), ("amount", view.Total), ("merchant", view.Merchant)]);
        }
        else if (paid && view.Lines.Count > 0)
        {
            details.Add(T["Pay.Notice.Line", ("item", view.Lines[0].Description), ("amount", view.Total)]);
        }
        if (card is not null)
        {
            details.Add(T[paid ? "Pay.Notice.PaidWith" : "Pay.Notice.CardOnFile", ("card", PayViews.CardText(card))]);
        }
        var returnUrl = ReturnUrls.IsSafe(outcome.ReturnUrl) ? outcome.ReturnUrl : view.ReturnUrl;
        return new PayNotice(paid ? T["Pay.Notice.Thanks"] : T["Pay.Notice.CardSaved"], outcome.Message, view.Merchant, returnUrl,
            stillOverdue ? NoticeTone.Problem : NoticeTone.Good, details);
    }

    /// <summary>A failure that was not the card's fault. If a parallel submit completed the link meanwhile, say so.</summary>
    private async Task<IActionResult> AfterFailureAsync(string token, HostedSession session, string chargeToken, CancellationToken ct)
    {
        if (await ChargeForms.FirstOutcomeAsync(db, session.Id, chargeToken, ct) is { } first)
        {
            return await ReplayAsync(token, session.Id, first, ct);
        }
        if (await CompletedAsync(session.Id, ct))
        {
            return await LinkProblemAsync(token, Error.Conflict("hosted_session_completed", "This payment link was already used."), ct);
        }
        return Show(StatusCodes.Status500InternalServerError, new PayNotice(T["Pay.Notice.Wrong"], T["Pay.Notice.WrongBody"], View?.Merchant, View?.ReturnUrl,
            RetryUrl: Request.Path.Value));
    }

    private Task<bool> CompletedAsync(string sessionId, CancellationToken ct) =>
        db.HostedSessions.IgnoreQueryFilters().AsNoTracking().AnyAsync(s => s.Id == sessionId && s.CompletedAt != null, ct);

    /// <summary>A forged, expired or used link: a page that names at most the merchant, never the customer or what they owe.</summary>
    private async Task<IActionResult> LinkProblemAsync(string token, Error error, CancellationToken ct)
    {
        if (error.Code == "hosted_session_completed")
        {
            // The token is genuine, so the merchant's name and return link may be shown; nothing about the customer.
            var id = links.SessionIdOf(token);
            var session = id is null ? null : await db.HostedSessions.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            var merchant = session is null ? null : await PayViews.MerchantNameAsync(db, session.OrganizationId, session.Livemode, ct);
            Sandbox = session is { Livemode: false };
            return Show(StatusCodes.Status410Gone, new PayNotice(T["Pay.Notice.Used"], T["Pay.Notice.UsedBody", ("merchant", merchant ?? T["Pay.TheMerchant"])],
                merchant, ReturnUrls.IsSafe(session?.ReturnUrl) ? session!.ReturnUrl : null, NoticeTone.Info));
        }
        return Show(StatusCodes.Status404NotFound, new PayNotice(T["Pay.Notice.Invalid"], T["Pay.Notice.InvalidBody"]));
    }

    private static Localization.Texts T => Localization.Texts.Shared;

    /// <summary>A refusal in the page's language when the resources have its code (card declined, …), else the operation's own message.</summary>
    private static string Refusal(Error error) => T.Has("Error." + error.Code) ? T["Error." + error.Code] : error.Message;

    private PageResult Show(int status, PayNotice notice)
    {
        Response.StatusCode = status;
        Notice = notice;
        return Page();
    }
}
