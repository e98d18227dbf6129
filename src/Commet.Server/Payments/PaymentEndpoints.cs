using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Payments;

/// <summary><c>/payments</c>: one-off payments, as payment links paid on a hosted page or charges of the saved card.</summary>
public static class PaymentEndpoints
{
    public static IServiceCollection AddOneOffPayments(this IServiceCollection services)
    {
        services.AddSingleton<CreatePaymentLink>();
        services.AddSingleton<ChargeOneOffPayment>();
        services.AddSingleton<CancelPaymentLink>();
        services.AddSingleton<PayPaymentLink>();
        return services;
    }

    public static void MapPayments(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/payments").WithTags("Payments");

        group.MapGet("/", async Task<Results<ApiPage<PaymentDto>, ApiInvalid>> (string? customerId, string? limit, string? cursor, CommetDb db,
            HostedLinks links, HttpRequest request, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var check = new Check().MaxLength("customerId", customerId, 255);
            if (check.Failed)
            {
                return Answer.Invalid(check.ToError());
            }
            var query = db.OneOffPayments.AsNoTracking();
            if (!string.IsNullOrEmpty(customerId))
            {
                // Our ID or the merchant's external ID; an unknown customer has no payments.
                var ours = await CustomerRules.FindAsync(db, customerId, ct);
                var id = ours?.Id ?? "";
                query = query.Where(p => p.CustomerId == id);
            }
            var result = await query.ToPageAsync(page.Value, ct);
            var ids = result.Items.Select(p => p.CustomerId).Distinct().ToList();
            var customers = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
            var baseUrl = BillingScopes.BaseUrlOf(request);
            var items = new List<PaymentDto>(result.Items.Count);
            foreach (var p in result.Items)
            {
                items.Add(PaymentDto.From(p, customers.GetValueOrDefault(p.CustomerId), await OneOffPaymentRules.UrlAsync(db, links, p, baseUrl, ct)));
            }
            return Answer.Page(new Page<PaymentDto>(items, result.HasMore, result.NextCursor));
        }).WithSummary("List one-off payments (links and charges), newest first; filter by customer.");

        group.MapPost("/", async (Json<PaymentRequest> body, BillingCall call, CreatePaymentLink handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct), (_, r) => Answer.Created(PaymentDto.From(r.Payment, r.Customer, r.Url))))
            .WithSummary("Create a payment link: a hosted page where the customer pays the amount with any card; paid, it issues a one_time_payment invoice.");

        group.MapPost("/charge", async (Json<PaymentRequest> body, BillingCall call, ChargeOneOffPayment handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct), (_, r) => Answer.Created(PaymentDto.From(r.Payment, r.Customer, null))))
            .WithSummary("Charge the customer's saved card now for a one-off amount (needs an active, trialing or past-due subscription); issues a one_time_payment invoice.");

        group.MapGet("/{id}", async Task<Results<ApiOk<PaymentDto>, ApiNotFound>> (string id, CommetDb db, HostedLinks links, HttpRequest request, CancellationToken ct) =>
        {
            var p = await db.OneOffPayments.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (p is null)
            {
                return Answer.NotFound(OneOffPaymentRules.NotFound(id));
            }
            var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == p.CustomerId, ct);
            return Answer.Ok(PaymentDto.From(p, customer, await OneOffPaymentRules.UrlAsync(db, links, p, BillingScopes.BaseUrlOf(request), ct)));
        }).WithSummary("Get a one-off payment.");

        group.MapPost("/{id}/cancel", async (string id, BillingCall call, CancelPaymentLink handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (_, r) => Answer.Ok(PaymentDto.From(r.Payment, r.Customer, null))))
            .WithSummary("Cancel an unpaid payment link: its page refuses it from then on. Canceling a canceled link changes nothing; charges cannot be canceled.");
    }
}
