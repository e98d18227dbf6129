using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Commet.Server.Http;

/// <summary>
/// What every billing write of the API needs, bound from the request itself (a parameter of the endpoint): the
/// caller's billing scope (tenant, billing time, base URL for links) and the request's cancellation token. The use
/// case comes in as its own endpoint parameter.
/// </summary>
public sealed class BillingCall
{
    private readonly HttpContext context;

    private BillingCall(HttpContext context) => this.context = context;

    public static ValueTask<BillingCall?> BindAsync(HttpContext context) => ValueTask.FromResult<BillingCall?>(new BillingCall(context));

    public CancellationToken Ct => context.RequestAborted;

    /// <summary>The caller's billing scope, on the request's database context.</summary>
    public Task<BillingScope> ScopeAsync()
    {
        var services = context.RequestServices;
        return services.GetRequiredService<BillingScopes>().ForCallerAsync(
            services.GetRequiredService<CommetDb>(), services.GetRequiredService<ApiCaller>(), context.Request, Ct);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the caller's scope and answers its value, or its error in the envelope. The
    /// answer's type states what the route answers in the OpenAPI document.
    /// </summary>
    /// <remarks><paramref name="readClock"/> false: the scope is <see cref="UnclockedScope"/> (the work settles the billing time itself).</remarks>
    public async Task<Results<TOk, ApiProblem>> Run<T, TOk>(Func<BillingScope, Task<Result<T>>> work, Func<BillingScope, T, TOk> answer, bool readClock = true)
        where TOk : IResult
    {
        var scope = readClock ? await ScopeAsync() : UnclockedScope();
        var result = await work(scope);
        return result.IsSuccess ? answer(scope, result.Value) : Answer.Problem(result.Error);
    }

    /// <inheritdoc cref="Run{T, TOk}(Func{BillingScope, Task{Result{T}}}, Func{BillingScope, T, TOk}, bool)"/>
    public async Task<Results<TOk, ApiProblem>> Run<T, TOk>(Func<BillingScope, Task<Result<T>>> work, Func<BillingScope, T, Task<TOk>> answer)
        where TOk : IResult
    {
        var scope = await ScopeAsync();
        var result = await work(scope);
        return result.IsSuccess ? await answer(scope, result.Value) : Answer.Problem(result.Error);
    }

    /// <summary>As <see cref="Run{T, TOk}(Func{BillingScope, Task{Result{T}}}, Func{BillingScope, T, TOk}, bool)"/>, for an answer that may still be an error.</summary>
    public async Task<Results<TOk, ApiProblem>> Run<T, TOk>(Func<BillingScope, Task<Result<T>>> work, Func<BillingScope, T, Results<TOk, ApiProblem>> answer)
        where TOk : IResult
    {
        var scope = await ScopeAsync();
        var result = await work(scope);
        return result.IsSuccess ? answer(scope, result.Value) : Answer.Problem(result.Error);
    }

    /// <summary>
    /// The caller's scope without reading the test clock: <see cref="BillingScope.Now"/> is the real time. Only for work
    /// that settles the billing time itself (a usage event's group reads the clock once for all its events).
    /// </summary>
    public BillingScope UnclockedScope()
    {
        var services = context.RequestServices;
        var caller = services.GetRequiredService<ApiCaller>();
        var db = services.GetRequiredService<CommetDb>();
        db.ScopeTo(caller.OrganizationId, caller.Livemode);
        var scope = new BillingScope(db, new Tenant(caller.OrganizationId, caller.Livemode), services.GetRequiredService<BillingClock>().RealNow,
            BillingScopes.BaseUrlOf(context.Request));
        return BillingScopeExtensions.WithRequestKey(scope, context.Request);
    }

    /// <summary>
    /// As <see cref="Run{T, TOk}(Func{BillingScope, Task{Result{T}}}, Func{BillingScope, T, TOk}, bool)"/>, for a route with two success answers
    /// (e.g. 201 and 200). <paramref name="readClock"/> false: the scope is <see cref="UnclockedScope"/>.
    /// </summary>
    public async Task<Results<TOk1, TOk2, ApiProblem>> Run<T, TOk1, TOk2>(Func<BillingScope, Task<Result<T>>> work, Func<BillingScope, T, Results<TOk1, TOk2>> answer,
        bool readClock = true)
        where TOk1 : IResult
        where TOk2 : IResult
    {
        var scope = readClock ? await ScopeAsync() : UnclockedScope();
        var result = await work(scope);
        if (!result.IsSuccess)
        {
            return Answer.Problem(result.Error);
        }
        return answer(scope, result.Value).Result switch
        {
            TOk1 first => first,
            TOk2 second => second,
            var other => throw new InvalidOperationException($"Unexpected answer {other.GetType().Name}."),
        };
    }
}
