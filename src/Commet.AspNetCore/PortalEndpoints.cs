using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commet.AspNetCore;

/// <summary>The "Manage billing" endpoint: sends the signed-in user to a fresh Customer Portal link.</summary>
public static class PortalEndpoints
{
    /// <summary>
    /// Maps <c>GET <paramref name="pattern"/></c> to a redirect (302) to a fresh single-use portal link for the customer
    /// <paramref name="customerId"/> names. Answers 401 JSON when it names nobody, and 502 JSON with the server's request ID
    /// when Commet cannot make the link. Needs <see cref="CommetClient"/> in the services (<c>AddCommetClient</c>).
    /// Chain <c>.RequireAuthorization()</c> to let only signed-in users in.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route, such as <c>/billing/portal</c>.</param>
    /// <param name="customerId">The signed-in user's customer (Commet's ID or yours), or null when there is none.</param>
    /// <param name="returnUrl">Where the portal's back link goes; by default the page the user came from (<c>Referer</c>) on this site.</param>
    public static IEndpointConventionBuilder MapCommetCustomerPortal(this IEndpointRouteBuilder endpoints, string pattern,
        Func<HttpContext, ValueTask<string?>> customerId, Func<HttpContext, string?>? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(customerId);
        return endpoints.MapGet(pattern, (RequestDelegate)(async context =>
        {
            var id = await customerId(context).ConfigureAwait(false);
            if (string.IsNullOrEmpty(id))
            {
                await JsonAnswers.ErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "Sign in to manage billing.").ConfigureAwait(false);
                return;
            }
            var commet = context.RequestServices.GetRequiredService<CommetClient>();
            var back = returnUrl is null ? SameSiteReferer(context) : returnUrl(context);
            try
            {
                var url = await commet.Portal.GetUrlAsync(id, back, context.RequestAborted).ConfigureAwait(false);
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Redirect(url.ToString());
            }
            catch (Exception ex) when (ex is CommetApiException or HttpRequestException or TimeoutException)
            {
                var requestId = (ex as CommetApiException)?.RequestId;
                context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Commet.AspNetCore.Portal")
                    .LogWarning(ex, "Commet could not open the portal for {CustomerId} (request {RequestId}).", id, requestId);
                await JsonAnswers.ErrorAsync(context, StatusCodes.Status502BadGateway, "portal_unavailable",
                    "The billing portal could not be opened. Try again in a moment.", requestId).ConfigureAwait(false);
            }
        }));
    }

    /// <summary>The same as the other overload, for a resolver that needs no awaiting (a claim of the signed-in user).</summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route.</param>
    /// <param name="customerId">The signed-in user's customer, or null.</param>
    /// <param name="returnUrl">Where the portal's back link goes.</param>
    public static IEndpointConventionBuilder MapCommetCustomerPortal(this IEndpointRouteBuilder endpoints, string pattern,
        Func<HttpContext, string?> customerId, Func<HttpContext, string?>? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        return endpoints.MapCommetCustomerPortal(pattern, context => ValueTask.FromResult(customerId(context)), returnUrl);
    }

    /// <summary>
    /// The same, with the customer from <see cref="ICommetCustomerResolver"/> (with <c>AddCommetIdentity</c>: the signed-in
    /// user's ID). The portal's back link goes to the page the user came from on this site.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route.</param>
    public static IEndpointConventionBuilder MapCommetCustomerPortal(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapCommetCustomerPortal(pattern,
            context => context.RequestServices.GetService<ICommetCustomerResolver>() is { } resolver
                ? resolver.ResolveAsync(context)
                : throw new InvalidOperationException("MapCommetCustomerPortal without a resolver needs AddCommetIdentity or an ICommetCustomerResolver."));

    /// <summary>The Referer when it is a page of this site (never another site's address).</summary>
    private static string? SameSiteReferer(HttpContext context)
    {
        var referer = context.Request.Headers.Referer.ToString();
        if (!Uri.TryCreate(referer, UriKind.Absolute, out var uri))
        {
            return null;
        }
        return string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase) ? uri.ToString() : null;
    }
}
