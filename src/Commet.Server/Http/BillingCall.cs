using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Persistence;

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

    /// <summary>Runs <paramref name="work"/> in the caller's scope and answers its value, or its error in the envelope.</summary>
    public async Task<IResult> Run<T>(Func<BillingScope, Task<Result<T>>> work, Func<BillingScope, T, IResult> answer)
    {
        var scope = await ScopeAsync();
        var result = await work(scope);
        return result.IsSuccess ? answer(scope, result.Value) : Api.Error(result.Error);
    }

    /// <inheritdoc cref="Run{T}(Func{BillingScope, Task{Result{T}}}, Func{BillingScope, T, IResult})"/>
    public async Task<IResult> Run<T>(Func<BillingScope, Task<Result<T>>> work, Func<BillingScope, T, Task<IResult>> answer)
    {
        var scope = await ScopeAsync();
        var result = await work(scope);
        return result.IsSuccess ? await answer(scope, result.Value) : Api.Error(result.Error);
    }
}
