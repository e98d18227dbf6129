using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Commet.Server.Payments;

public sealed class AttachTestCardRequest
{
    public string? CustomerId { get; set; }
    public string? CardNumber { get; set; }
    public int? ExpMonth { get; set; }
    public int? ExpYear { get; set; }
    public string? Cvc { get; set; }
}

public sealed record PaymentMethodDto(string Id, string CustomerId, string Brand, string Last4, int ExpMonth, int ExpYear, bool IsDefault, DateTime CreatedAt, bool Livemode)
{
    public string Object => "payment_method";

    public static PaymentMethodDto From(Domain.Billing.PaymentMethod m) => new(m.Id, m.CustomerId, m.Brand, m.Last4, m.ExpMonth, m.ExpYear, m.IsDefault, m.CreatedAt, m.Livemode);
}

/// <summary>Sandbox helpers for tests, demos and scripts (our addition; sandbox keys only).</summary>
public static class SandboxEndpoints
{
    public static void MapSandbox(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/sandbox").WithTags("Sandbox").AddEndpointFilter(async (ctx, next) =>
            ctx.HttpContext.RequestServices.GetRequiredService<ApiCaller>().Livemode ? Api.Error(ApiErrors.SandboxOnly) : await next(ctx))
            // The filter's answer for a live key, declared once for every route of the group.
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ApiErrorEnvelope), ["application/json"]));

        group.MapPost("/payment-methods", async Task<Results<ApiCreated<PaymentMethodDto>, ApiProblem>> (Json<AttachTestCardRequest> body, CommetDb db, ApiCaller caller, BillingScopes scopes, PaymentService payments,
            HttpRequest request, CancellationToken ct) =>
        {
            var r = body.Value;
            var check = new Check().Required("customerId", r.CustomerId).Required("cardNumber", r.CardNumber, 32)
                .Range("expMonth", r.ExpMonth, 1, 12).Range("expYear", r.ExpYear, 2000, 2100);
            if (check.Failed)
            {
                return Answer.Problem(check.ToError());
            }
            var scope = await scopes.ForCallerAsync(db, caller, request, ct);
            var customer = await CustomerRules.FindAsync(db, r.CustomerId!, ct);
            if (customer is null)
            {
                return Answer.Problem(CustomerRules.NotFound(r.CustomerId!));
            }
            var card = new CardInput(r.CardNumber!, r.ExpMonth ?? 12, r.ExpYear ?? scope.Now.Year + 3, r.Cvc);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var attached = await payments.AttachCardAsync(db, scope.Tenant, customer, card, scope.Now, null, ct);
            if (!attached.IsSuccess)
            {
                return Answer.Problem(attached.Error);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return Answer.Created(PaymentMethodDto.From(attached.Value));
        }).WithSummary("Attach a test card to a customer as its default payment method, without the hosted page. Sandbox only.");
    }
}
