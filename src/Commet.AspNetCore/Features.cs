using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Commet.AspNetCore;

/// <summary>An authorization requirement: the signed-in user's customer may use the feature now.</summary>
/// <param name="FeatureCode">The feature's code.</param>
public sealed record CommetFeatureRequirement(string FeatureCode) : IAuthorizationRequirement;

/// <summary>
/// Lets only users whose plan gives the feature in (403 otherwise; 401 when signed out). On a page, controller,
/// action or minimal API (<c>.WithMetadata(new RequireFeatureAttribute("sso"))</c> or <c>.RequireFeature("sso")</c>).
/// </summary>
/// <param name="featureCode">The feature's code.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class RequireFeatureAttribute(string featureCode) : AuthorizeAttribute, IAuthorizationRequirementData
{
    /// <summary>The feature's code.</summary>
    public string FeatureCode { get; } = featureCode;

    /// <inheritdoc/>
    public IEnumerable<IAuthorizationRequirement> GetRequirements() => [new CommetFeatureRequirement(FeatureCode)];
}

/// <summary>Checks <see cref="CommetFeatureRequirement"/> with <c>FeatureAccess</c>.</summary>
public sealed class CommetFeatureHandler(CommetClient commet, ICommetCustomerResolver customers, ILogger<CommetFeatureHandler> logger)
    : AuthorizationHandler<CommetFeatureRequirement>
{
    /// <inheritdoc/>
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CommetFeatureRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (context.Resource is not HttpContext http)
        {
            return;
        }
        var customer = await customers.ResolveAsync(http).ConfigureAwait(false);
        if (customer is null)
        {
            return;
        }
        try
        {
            if (await commet.FeatureAccess.IsAllowedAsync(customer, requirement.FeatureCode, http.RequestAborted).ConfigureAwait(false))
            {
                context.Succeed(requirement);
            }
        }
        catch (CommetApiException ex) when (ex.Status == System.Net.HttpStatusCode.NotFound)
        {
            // No customer or no live subscription: the feature is not available.
        }
        catch (Exception ex) when (ex is CommetApiException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning(ex, "Commet: could not check feature {Feature} for {Customer}; access refused.", requirement.FeatureCode, customer);
        }
    }
}

/// <summary>Feature checks and usage tracking for endpoints.</summary>
public static class CommetEndpointExtensions
{
    /// <summary>Registers the <c>RequireFeature</c> check (done by <c>AddCommetIdentity</c>; call it yourself without Identity).</summary>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddCommetFeatureChecks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAuthorizationHandler, CommetFeatureHandler>());
        services.TryAddSingleton<ICommetCustomerResolver, ClaimCustomerResolver>();
        services.AddOptions<CommetIdentityOptions>();
        return services;
    }

    /// <summary>Lets only users whose plan gives <paramref name="featureCode"/> in.</summary>
    /// <typeparam name="TBuilder">The endpoint builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <param name="featureCode">The feature's code.</param>
    public static TBuilder RequireFeature<TBuilder>(this TBuilder builder, string featureCode)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthorization(new RequireFeatureAttribute(featureCode));
    }

    /// <summary>
    /// Records one unit (or <paramref name="value"/>) of <paramref name="featureCode"/> for the signed-in user's customer
    /// after the endpoint answers with a success (2xx). A failure to record is logged, not shown to the user.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <param name="featureCode">The feature's code.</param>
    /// <param name="value">The quantity per call.</param>
    public static TBuilder TrackUsage<TBuilder>(this TBuilder builder, string featureCode, decimal value = 1)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = async context =>
            {
                await inner(context).ConfigureAwait(false);
                if (context.Response.StatusCode is >= 200 and < 300)
                {
                    await context.TrackUsageAsync(featureCode, value).ConfigureAwait(false);
                }
            };
        });
        return builder;
    }

    /// <summary>Records usage for the signed-in user's customer; false when nobody is signed in or Commet refused it.</summary>
    /// <param name="context">The request.</param>
    /// <param name="featureCode">The feature's code.</param>
    /// <param name="value">The quantity.</param>
    public static async Task<bool> TrackUsageAsync(this HttpContext context, string featureCode, decimal value = 1)
    {
        ArgumentNullException.ThrowIfNull(context);
        var customer = await context.RequestServices.GetRequiredService<ICommetCustomerResolver>().ResolveAsync(context).ConfigureAwait(false);
        if (customer is null)
        {
            return false;
        }
        try
        {
            await context.RequestServices.GetRequiredService<CommetClient>().Usage.TrackAsync(customer, featureCode, value, cancellationToken: CancellationToken.None)
                .ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is CommetApiException or HttpRequestException or TimeoutException)
        {
            context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Commet.AspNetCore.Usage")
                .LogWarning(ex, "Commet: usage of {Feature} for {Customer} was not recorded.", featureCode, customer);
            return false;
        }
    }
}
