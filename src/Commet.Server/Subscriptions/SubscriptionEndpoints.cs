using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Invoices;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

public sealed record CanceledSubscriptionDto(string Id, string CustomerId, string Status, DateTime CanceledAt, string? CancelReason,
    DateTime ScheduledCancellationDate, DateTime UpdatedAt, bool Livemode)
{
    public string Object => "subscription";
}

public sealed record UncanceledSubscriptionDto(string Id, string CustomerId, string Status, DateTime UpdatedAt, bool Livemode)
{
    public string Object => "subscription";
}

public sealed record ReactivatedDto(string Id, bool RetryInitiated, bool Livemode)
{
    public string Object => "subscription";
}

public sealed record RecoveryLinkDto(string Url, string Token, bool Livemode)
{
    public string Object => "subscription";
}

public sealed record CheckoutLinkDto(string CheckoutUrl, bool Livemode)
{
    public string Object => "subscription";
}

/// <remarks><c>discountAmount</c> (our addition): what the discount takes off; <c>estimatedTotal</c> is after it.</remarks>
public sealed record PreviewChangeDto(string Currency, long CurrentPlanCredit, long NewPlanCharge, long EstimatedTotal, DateTime EffectiveDate,
    int DaysRemaining, int TotalDays, bool IsUpgrade, long DiscountAmount, bool Livemode)
{
    public string Object => "subscription";
}

public sealed record SubscriptionAddonDto(string AddonId, string Status, long ProratedCharge, bool Livemode)
{
    public string Object => "subscription";
}

public sealed record DeactivatedAddonDto(string Id, string Status, DateTime? DeactivatedAt, bool Livemode)
{
    public string Object => "subscription";
}

public sealed class ActivateAddonRequest
{
    public string? AddonId { get; set; }
}

public sealed class UpdatePaymentMethodRequest
{
    public string? SuccessUrl { get; set; }
}

public static class SubscriptionEndpoints
{
    public static void MapSubscriptions(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/subscriptions").WithTags("Subscriptions");

        group.MapGet("/", async Task<Results<ApiPage<SubscriptionDto>, ApiInvalid, ApiNotFound>> (string? customerId, string? status, string? limit,
            string? cursor, CommetDb db, ApiCaller caller, BillingScopes scopes, SubscriptionViews views, HttpRequest request, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var scope = await scopes.ForCallerAsync(db, caller, request, ct);
            var query = db.Subscriptions.AsNoTracking();
            if (!string.IsNullOrEmpty(customerId))
            {
                var customer = await CustomerRules.FindAsync(db, customerId, ct);
                if (customer is null)
                {
                    return Answer.NotFound(CustomerRules.NotFound(customerId));
                }
                query = query.Where(s => s.CustomerId == customer.Id);
            }
            if (!string.IsNullOrEmpty(status))
            {
                query = query.Where(s => s.Status == status);
            }
            var result = await query.ToPageAsync(page.Value, ct);
            var items = new List<SubscriptionDto>();
            foreach (var s in result.Items)
            {
                items.Add(await views.ToDtoAsync(scope, s, ct));
            }
            return Answer.Page(new Page<SubscriptionDto>(items, result.HasMore, result.NextCursor));
        }).WithSummary("List subscriptions, newest first; filter by customer or status.");

        group.MapPost("/", async (Json<CreateSubscriptionRequest> body, BillingCall call, CreateSubscription handler, SubscriptionViews views) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct), async (s, sub) => Answer.Created(await views.ToDtoAsync(s, sub, call.Ct))))
            .WithSummary("Create a subscription (free: active; paid: charged to the saved card or pending_payment with a checkout link; trial: trialing).");

        group.MapGet("/active", async Task<Results<ApiOk<SubscriptionDto?>, ApiInvalid, ApiNotFound>> (string? customerId, CommetDb db, ApiCaller caller, BillingScopes scopes, SubscriptionViews views, HttpRequest request, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(customerId))
            {
                return Answer.Invalid(Error.Validation("customerId", "customerId is required."));
            }
            var customer = await CustomerRules.FindAsync(db, customerId, ct);
            if (customer is null)
            {
                return Answer.NotFound(CustomerRules.NotFound(customerId));
            }
            var s = await db.Subscriptions.AsNoTracking().Where(x => x.CustomerId == customer.Id && SubscriptionStatus.Live.Contains(x.Status)).FirstOrDefaultAsync(ct);
            if (s is null)
            {
                return Answer.Ok<SubscriptionDto?>(null);
            }
            var scope = await scopes.ForCallerAsync(db, caller, request, ct);
            return Answer.Ok<SubscriptionDto?>(await views.ToDtoAsync(scope, s, ct));
        }).WithSummary("The customer's live subscription, or null.");

        group.MapGet("/{id}", async Task<Results<ApiOk<SubscriptionDto>, ApiNotFound>> (string id, CommetDb db, ApiCaller caller, BillingScopes scopes, SubscriptionViews views, HttpRequest request, CancellationToken ct) =>
        {
            var s = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (s is null)
            {
                return Answer.NotFound(SubscriptionErrors.NotFound(id));
            }
            var scope = await scopes.ForCallerAsync(db, caller, request, ct);
            return Answer.Ok(await views.ToDtoAsync(scope, s, ct));
        }).WithSummary("Get a subscription in any status.");

        group.MapGet("/{id}/upcoming-invoice", async (string id, BillingCall call, GetUpcomingInvoice handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (_, invoice) => Answer.Ok(UpcomingInvoiceDto.From(invoice))))
            .WithSummary("The invoice the next renewal (or trial end) will make, with usage so far: status draft, no number (our addition).");

        group.MapPost("/{id}/cancel", async (string id, Json<CancelSubscriptionRequest> body, BillingCall call, CancelSubscription handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value, call.Ct), (_, sub) => Answer.Ok(new CanceledSubscriptionDto(sub.Id, sub.CustomerId, sub.Status,
                sub.CanceledAt ?? sub.CancelRequestedAt ?? sub.UpdatedAt, sub.CancelReason, sub.EndedAt ?? sub.CurrentPeriodEnd, sub.UpdatedAt, sub.Livemode))))
            .WithSummary("Cancel at period end (default) or immediately.");

        group.MapPost("/{id}/uncancel", async (string id, BillingCall call, UncancelSubscription handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (_, sub) => Answer.Ok(new UncanceledSubscriptionDto(sub.Id, sub.CustomerId, sub.Status, sub.UpdatedAt, sub.Livemode))))
            .WithSummary("Undo a scheduled cancellation.");

        group.MapPost("/{id}/reactivate", async (string id, BillingCall call, ReactivateSubscription handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), Results<ApiOk<ReactivatedDto>, ApiProblem> (_, r) => r.Failure is null
                ? Answer.Ok(new ReactivatedDto(r.Subscription.Id, r.RetryInitiated, r.Subscription.Livemode))
                : Answer.Problem(SubscriptionErrors.PaymentFailed(r.Failure, r.RecoveryUrl))))
            .WithSummary("past_due: retry the outstanding charge; canceled: a fresh reactivation invoice and a new period.");

        group.MapPost("/{id}/recovery-link", async (string id, BillingCall call, CreateRecoveryLink handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (s, r) => Answer.Ok(new RecoveryLinkDto(r.Url, r.Token, s.Tenant.Livemode))))
            .WithSummary("A signed hosted link to pay a past_due subscription's outstanding invoice.");

        group.MapPost("/{id}/payment-method/update", async (string id, Json<UpdatePaymentMethodRequest> body, BillingCall call, CreatePaymentMethodLink handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value.SuccessUrl, call.Ct), (s, url) => Answer.Ok(new CheckoutLinkDto(url, s.Tenant.Livemode))))
            .WithSummary("A hosted page where the customer replaces the default card.");

        group.MapPost("/{id}/change-plan", async (string id, Json<ChangePlanRequest> body, BillingCall call, ChangePlan handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value, call.Ct), (s, r) => Answer.Ok(PlanChangeDto.From(r, s.Tenant.Livemode))))
            .WithSummary("Upgrade now (prorated), schedule a downgrade or shorter interval for the period end, or revoke a scheduled change.");

        group.MapPost("/{id}/preview-change", async (string id, Json<PreviewChangeRequest> body, BillingCall call, PreviewPlanChange handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value, call.Ct), (s, p) => Answer.Ok(new PreviewChangeDto(
                p.Subscription.Currency, p.Quote!.Credit.MinorUnits, p.Quote.NewCharge.MinorUnits, p.Quote.Total.MinorUnits, p.Quote.EffectiveDate,
                p.Quote.DaysRemaining, p.Quote.TotalDays, true, p.Discount?.MinorUnits ?? 0, s.Tenant.Livemode))))
            .WithSummary("The exact numbers an immediate change would charge.");

        group.MapDelete("/{id}/scheduled-change", async (string id, BillingCall call, RevokeScheduledChange handler, SubscriptionViews views) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), async (s, sub) => Answer.Ok(await views.ToDtoAsync(s, sub, call.Ct))))
            .WithSummary("Revoke a scheduled downgrade or interval change (our addition).");

        group.MapPost("/{id}/addons", async (string id, Json<ActivateAddonRequest> body, BillingCall call, ActivateAddon handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value.AddonId, call.Ct),
                (s, a) => Answer.Ok(new SubscriptionAddonDto(a.Addon.Id, "active", a.ProratedCharge, s.Tenant.Livemode))))
            .WithSummary("Activate an add-on with a prorated charge now.");

        group.MapDelete("/{id}/addons/{addonId}", async (string id, string addonId, BillingCall call, DeactivateAddon handler) =>
            await call.Run(s => handler.HandleAsync(s, id, addonId, call.Ct),
                (s, a) => Answer.Ok(new DeactivatedAddonDto(a.AddonId, "inactive", a.DeactivatedAt, s.Tenant.Livemode))))
            .WithSummary("Deactivate an add-on (no refund).");
    }
}
