using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.TestClocks;

public sealed class AdvanceTestClockRequest
{
    public int? AdvanceDays { get; set; }
    public DateTime? FrozenTime { get; set; }
}

public sealed record TestClockDto(DateTime? SimulatedTime, bool IsActive, DateTime Now, bool Livemode)
{
    public string Object => "test_clock";
}

public sealed record TestClockBillingDto(int CustomersFound, int Enqueued, int Failed, int DunningRetried, int DunningFailed, int InvoicesCreated, bool Livemode)
{
    public string Object => "test_clock";
}

/// <summary>
/// The sandbox test clock. When set, sandbox time stands still at the simulated moment — for the API, the
/// engine and the portal alike — until it is moved forward again.
/// </summary>
public static class TestClockEndpoints
{
    public static void MapTestClock(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/test-clock").WithTags("Test clock").AddEndpointFilter(async (ctx, next) =>
            ctx.HttpContext.RequestServices.GetRequiredService<ApiCaller>().Livemode ? Api.Error(ApiErrors.SandboxOnly) : await next(ctx))
            // The filter's answer for a live key, declared once for every route of the group.
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ApiErrorEnvelope), ["application/json"]));

        group.MapGet("/", async (CommetDb db, ApiCaller caller, BillingClock clock, CancellationToken ct) =>
        {
            var row = await db.TestClocks.AsNoTracking().FirstOrDefaultAsync(c => c.OrganizationId == caller.OrganizationId, ct);
            return Answer.Ok(new TestClockDto(row?.SimulatedTime, row?.SimulatedTime is not null, row?.SimulatedTime ?? clock.RealNow, false));
        }).WithSummary("The sandbox clock. Sandbox only.");

        group.MapPost("/", async Task<Results<ApiOk<TestClockDto>, ApiProblem>> (Json<AdvanceTestClockRequest> body, CommetDb db, ApiCaller caller, AdvanceTestClock advance, CancellationToken ct) =>
        {
            var moved = await advance.HandleAsync(db, caller.OrganizationId, body.Value, ct);
            return moved.IsSuccess ? Answer.Ok(new TestClockDto(moved.Value, true, moved.Value, false)) : Answer.Problem(moved.Error);
        }).WithSummary("Move the sandbox clock forward by days or to an instant. Sandbox only.");

        group.MapPost("/process-billing", async (CommetDb db, ApiCaller caller, BillingClock clock, BillingEngine engine, HttpRequest request, CancellationToken ct) =>
        {
            var now = await clock.NowAsync(db, caller.OrganizationId, false, ct);
            var run = await engine.RunAsync(new Tenant(caller.OrganizationId, false), now, BillingScopes.BaseUrlOf(request), ct);
            return Answer.Ok(new TestClockBillingDto(run.CustomersFound, run.Processed, run.Failed, run.DunningRetried, run.DunningFailed, run.InvoicesCreated, false));
        }).WithSummary("Run everything due at the sandbox clock's time: renewals, trial ends, scheduled changes, cancellations, dunning retries. Sandbox only.")
            .DisableRequestTimeout(); // a whole billing run, not a request-sized piece of work
    }
}

/// <summary>Moves an organization's sandbox clock forward, by days or to an instant (never back). The API and the dashboard call it.</summary>
public sealed class AdvanceTestClock(BillingClock clock)
{
    /// <summary>The clock's new time, or a validation error.</summary>
    public async Task<Result<DateTime>> HandleAsync(CommetDb db, string organizationId, AdvanceTestClockRequest r, CancellationToken ct)
    {
        var row = await db.TestClocks.FirstOrDefaultAsync(c => c.OrganizationId == organizationId, ct);
        var current = row?.SimulatedTime ?? clock.RealNow;
        DateTime target;
        if ((r.AdvanceDays is null) == (r.FrozenTime is null))
        {
            return Error.Validation("advanceDays", "Send exactly one of advanceDays or frozenTime.");
        }
        if (r.AdvanceDays is { } days)
        {
            if (days < 1 || days > 3660)
            {
                return Error.Validation("advanceDays", "advanceDays must be between 1 and 3660; the clock only moves forward.");
            }
            target = current.AddDays(days);
        }
        else
        {
            target = r.FrozenTime!.Value.ToUniversalTime();
            if (target <= current)
            {
                return Error.Validation("frozenTime", "frozenTime must be later than the clock's current time; the clock only moves forward.");
            }
            if (target.Year > 2200)
            {
                return Error.Validation("frozenTime", "frozenTime is too far in the future.");
            }
        }
        if (row is null)
        {
            db.TestClocks.Add(new TestClock { OrganizationId = organizationId, SimulatedTime = target, UpdatedAt = clock.RealNow });
        }
        else
        {
            row.SimulatedTime = target;
            row.UpdatedAt = clock.RealNow;
        }
        await db.SaveChangesAsync(ct);
        return target;
    }
}
