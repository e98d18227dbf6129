using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Events;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Payments;

/// <summary><c>POST /stripe/webhooks/{organizationId}/{mode}</c>: Stripe's events for one organization and mode.</summary>
public static class StripeWebhookEndpoints
{
    public const int MaxBodyBytes = 512 * 1024;

    public static string UrlFor(string baseUrl, string organizationId, bool livemode) =>
        $"{baseUrl.TrimEnd('/')}/stripe/webhooks/{organizationId}/{(livemode ? "live" : "sandbox")}";

    public static void MapStripe(this IEndpointRouteBuilder app)
    {
        app.MapPost("/stripe/webhooks/{organizationId}/{mode}", async (string organizationId, string mode, HttpRequest request, CommetDb db,
            StripeWebhooks webhooks, CancellationToken ct) =>
        {
            bool livemode;
            switch (mode)
            {
                case "live":
                    livemode = true;
                    break;
                case "sandbox" or "test":
                    livemode = false;
                    break;
                default:
                    return Results.NotFound();
            }
            if (request.ContentLength is > MaxBodyBytes)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }
            using var reader = new StreamReader(request.Body);
            var json = await reader.ReadToEndAsync(ct);
            var outcome = await webhooks.HandleAsync(db, organizationId, livemode, json, request.Headers["Stripe-Signature"].ToString(),
                BillingScopes.BaseUrlOf(request), ct);
            return outcome switch
            {
                WebhookOutcome.UnknownEndpoint => Results.NotFound(),
                WebhookOutcome.Refused => Results.BadRequest(new { error = "invalid_signature" }),
                WebhookOutcome.Duplicate => Results.Ok(new { received = true, duplicate = true }),
                _ => Results.Ok(new { received = true }),
            };
        }).ExcludeFromDescription();
    }
}

public enum WebhookOutcome
{
    Handled,
    Ignored,
    Duplicate,
    Refused,
    UnknownEndpoint,
}

/// <summary>
/// Verifies and handles Stripe's webhook events. The signature is checked with Stripe.net's <c>EventUtility.ConstructEvent</c>
/// against the stored signing secret (with its timestamp tolerance); each Stripe event ID is handled once (the
/// <c>stripe_events</c> table); types we do not use are acknowledged and ignored.
/// </summary>
public sealed class StripeWebhooks(PaymentProviders providers, StripeCheckout checkout, CompleteHostedPage complete, BillingScopes scopes,
    BillingClock clock, IOptions<StripeOptions> options, ILogger<StripeWebhooks> logger)
{
    public async Task<WebhookOutcome> HandleAsync(CommetDb db, string organizationId, bool livemode, string json, string signature, string baseUrl,
        CancellationToken ct)
    {
        var connection = await providers.StripeForAsync(db, organizationId, livemode, ct);
        if (connection is null || connection.WebhookSecret.Length == 0)
        {
            return WebhookOutcome.UnknownEndpoint;
        }
        Stripe.Event stripeEvent;
        try
        {
            stripeEvent = Stripe.EventUtility.ConstructEvent(json, signature, connection.WebhookSecret, options.Value.WebhookToleranceSeconds,
                throwOnApiVersionMismatch: false);
        }
        catch (Stripe.StripeException)
        {
            logger.LogWarning("Refused a Stripe webhook for {OrganizationId}: bad or stale signature", organizationId);
            return WebhookOutcome.Refused;
        }
        if (stripeEvent.Livemode != livemode)
        {
            logger.LogWarning("Refused Stripe event {EventId}: its mode does not match the endpoint's", stripeEvent.Id);
            return WebhookOutcome.Refused;
        }
        db.ScopeTo(organizationId, livemode);
        if (await db.StripeEvents.AsNoTracking().AnyAsync(e => e.Id == stripeEvent.Id, ct))
        {
            return WebhookOutcome.Duplicate;
        }
        var scope = await scopes.ForAsync(db, organizationId, livemode, baseUrl, ct);
        var handled = stripeEvent.Type switch
        {
            "checkout.session.completed" => await CheckoutCompletedAsync(scope, stripeEvent, ct),
            "charge.dispute.created" or "charge.dispute.closed" => await DisputeAsync(scope, stripeEvent, ct),
            _ => WebhookOutcome.Ignored,
        };
        if (handled == WebhookOutcome.Duplicate)
        {
            return handled;
        }
        return await RememberAsync(db, organizationId, livemode, stripeEvent, clock.RealNow, ct) ? handled : WebhookOutcome.Duplicate;
    }

    private async Task<WebhookOutcome> CheckoutCompletedAsync(BillingScope scope, Stripe.Event e, CancellationToken ct)
    {
        if (e.Data.Object is not Stripe.Checkout.Session session || session.ClientReferenceId is null)
        {
            return WebhookOutcome.Ignored;
        }
        var collected = await checkout.CollectAsync(scope.Db, scope.Tenant.OrganizationId, scope.Tenant.Livemode, session.Id, null, ct);
        if (!collected.IsSuccess)
        {
            // Stripe could not be read back (an outage): answer an error so Stripe sends the event again later.
            throw new InvalidOperationException($"Checkout Session {session.Id} could not be read: {collected.Error.Code}");
        }
        if (collected.Value is not { } found)
        {
            return WebhookOutcome.Ignored;
        }
        var hosted = await scope.Db.HostedSessions.AsNoTracking().FirstOrDefaultAsync(h => h.Id == found.HostedSessionId, ct);
        if (hosted is null)
        {
            return WebhookOutcome.Ignored;
        }
        var claimed = false;
        if (hosted.CompletedAt is null)
        {
            // Everything the page was for is carried out here too (a portal purchase included), so it is done even if the
            // customer never comes back from Checkout; the return to our page then finds it done.
            var done = await complete.HandleAsync(scope, found.HostedSessionId, null, ct, found.Card);
            claimed = done.IsSuccess || done.Error.Code != "hosted_session_completed";
            if (!done.IsSuccess)
            {
                logger.LogInformation("Stripe checkout {CheckoutId}: hosted session {SessionId} not completed by the webhook ({Code})", session.Id,
                    found.HostedSessionId, done.Error.Code);
            }
        }
        // A payment nothing took (a second payment for the session, or what it was for is gone) goes back to the customer.
        await checkout.SettleAsync(scope, found.HostedSessionId, found.Card, claimed, ct);
        return WebhookOutcome.Handled;
    }

    private static async Task<WebhookOutcome> DisputeAsync(BillingScope scope, Stripe.Event e, CancellationToken ct)
    {
        if (e.Data.Object is not Stripe.Dispute dispute || dispute.PaymentIntentId is null)
        {
            return WebhookOutcome.Ignored;
        }
        var db = scope.Db;
        var result = await db.InTransactionAsync<WebhookOutcome>(async () =>
        {
            var transaction = await db.Transactions.FirstOrDefaultAsync(t => t.ProviderReference == dispute.PaymentIntentId && t.Provider == PaymentProviders.Stripe, ct);
            if (transaction is null)
            {
                return WebhookOutcome.Ignored;
            }
            var invoice = transaction.InvoiceId is null ? null : await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == transaction.InvoiceId, ct);
            var currency = (dispute.Currency ?? transaction.Currency).ToUpperInvariant();
            var now = scope.Now;
            if (e.Type == "charge.dispute.created")
            {
                transaction.Status = TransactionStatus.Disputed;
                transaction.UpdatedAt = now;
                EventRecorder.Record(db, scope.Tenant, new PaymentDisputedData(transaction.Id, transaction.Provider, null, invoice?.Id, invoice?.Number,
                    transaction.CustomerId, invoice?.SubscriptionId, dispute.Amount, currency, dispute.Reason), now, invoice?.SubscriptionId, transaction.CustomerId);
            }
            else
            {
                var won = dispute.Status == "won";
                if (won && transaction.Status == TransactionStatus.Disputed)
                {
                    transaction.Status = TransactionStatus.Succeeded;
                    transaction.UpdatedAt = now;
                }
                EventRecorder.Record(db, scope.Tenant, new PaymentDisputeResolvedData(transaction.Id, transaction.Provider, null, invoice?.Id, invoice?.Number,
                    transaction.CustomerId, invoice?.SubscriptionId, dispute.Amount, currency, dispute.Reason, won ? "won" : "lost"), now,
                    invoice?.SubscriptionId, transaction.CustomerId);
            }
            return WebhookOutcome.Handled;
        }, ct);
        return result.Value;
    }

    /// <summary>Records the event as handled; false when another delivery of it got there first.</summary>
    private static async Task<bool> RememberAsync(CommetDb db, string organizationId, bool livemode, Stripe.Event e, DateTime now, CancellationToken ct)
    {
        var saved = await db.InTransactionAsync<bool>(async () =>
        {
            db.StripeEvents.Add(new StripeEventRecord { Id = e.Id, OrganizationId = organizationId, Livemode = livemode, Type = e.Type, ReceivedAt = now });
            await Task.CompletedTask;
            return true;
        }, ct, Commet.Domain.Error.Conflict("duplicate", "duplicate"));
        return saved.IsSuccess;
    }
}
