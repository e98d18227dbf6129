using Commet.Domain.Usage;
using Commet.Server.Http;

namespace Commet.Server.Usage;

/// <summary>The SDK's <c>UsageQuotaEvent</c>: one change of a quota balance.</summary>
public sealed record UsageQuotaEventDto(string Id, string CustomerId, string FeatureCode, long PreviousBalance, long NewBalance, DateTime Ts, DateTime CreatedAt, bool Livemode)
{
    public string Object => "usage_quota";

    public static UsageQuotaEventDto From(SeatEvent e) => new(e.Id, e.CustomerId, e.FeatureCode, e.PreviousBalance, e.NewBalance, e.Ts, e.CreatedAt, e.Livemode);
}

/// <summary>The SDK's <c>UsageQuota</c>: a quota feature's balance against what the plan includes.</summary>
public sealed record UsageQuotaDto(string FeatureCode, long Current, long Included, long? Remaining, long BilledQuantity, bool Unlimited, bool OverageEnabled,
    DateTime? AsOf, bool Livemode)
{
    public string Object => "usage_quota";

    public static UsageQuotaDto From(QuotaAllowance q, bool livemode) =>
        new(q.FeatureCode, q.Current, q.Included, q.Remaining, q.BilledQuantity, q.Unlimited, q.OverageEnabled, q.AsOf, livemode);
}

public static class QuotaEndpoints
{
    /// <summary><c>/usage/quota</c>: quota.add (POST), quota.set (PUT), quota.remove (DELETE, or POST /usage/quota/remove), quota.get and quota.getAll.</summary>
    public static void MapQuota(this IEndpointRouteBuilder api)
    {
        var quota = api.MapGroup("/usage/quota").WithTags("Quota");
        quota.MapPost("/", async (Json<QuotaRequest> body, BillingCall call, ChangeQuota handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, ChangeQuota.QuotaVerb.Add, call.Ct), (_, c) => Answer.Ok(UsageQuotaEventDto.From(c.Event))))
            .WithSummary("Add to a customer's quota (count defaults to 1). A raise beyond what the period paid for is billed pro rata on the next renewal.");
        quota.MapPut("/", async (Json<QuotaRequest> body, BillingCall call, ChangeQuota handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, ChangeQuota.QuotaVerb.Set, call.Ct), (_, c) => Answer.Ok(UsageQuotaEventDto.From(c.Event))))
            .WithSummary("Set a customer's quota to an exact value.");
        quota.MapDelete("/", async (HttpRequest request, BillingCall call, ChangeQuota handler) =>
        {
            // The SDK sends the parameters of DELETE /usage/quota as a JSON body.
            var body = await Json<QuotaRequest>.BindAsync(request.HttpContext);
            return await call.Run(s => handler.HandleAsync(s, body!.Value, ChangeQuota.QuotaVerb.Remove, call.Ct), (_, c) => Answer.Ok(UsageQuotaEventDto.From(c.Event)));
        }).WithSummary("Remove from a customer's quota (count defaults to 1); 400 insufficient_balance below zero. No refund.");
        quota.MapPost("/remove", async (Json<QuotaRequest> body, BillingCall call, ChangeQuota handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, ChangeQuota.QuotaVerb.Remove, call.Ct), (_, c) => Answer.Ok(UsageQuotaEventDto.From(c.Event))))
            .WithSummary("As DELETE /usage/quota, for clients that send no body with DELETE.");
        quota.MapGet("/", async (string? customerId, string? featureCode, BillingCall call, ReadQuotas handler) =>
            await call.Run(s => handler.HandleAsync(s, customerId, featureCode, one: true, call.Ct), (s, list) => Answer.Ok(UsageQuotaDto.From(list[0], s.Tenant.Livemode))))
            .WithSummary("One quota feature of the customer's plan: current balance, included, remaining, billed quantity.");
        quota.MapGet("/all", async (string? customerId, BillingCall call, ReadQuotas handler) =>
            await call.Run(s => handler.HandleAsync(s, customerId, null, one: false, call.Ct),
                (s, list) => Answer.Ok((IReadOnlyList<UsageQuotaDto>)list.Select(q => UsageQuotaDto.From(q, s.Tenant.Livemode)).ToList())))
            .WithSummary("Every quota feature of the customer's plan.");
    }
}
