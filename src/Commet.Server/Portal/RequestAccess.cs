using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Commet.Server.Infrastructure;

namespace Commet.Server.Portal;

public sealed class RequestAccessRequest
{
    /// <summary>Our <c>cus_…</c> ID or the merchant's own ID.</summary>
    public string? CustomerId { get; set; }
    public string? Email { get; set; }
    public string? ReturnUrl { get; set; }

    /// <summary>The portal's language for this link (BCP 47, such as <c>es</c> or <c>pt-BR</c>); it wins over the customer's and the browser's.</summary>
    public string? Locale { get; set; }
}

/// <summary>The SDK's <c>PortalAccess</c>.</summary>
public sealed record PortalAccessDto(string PortalUrl, bool Livemode)
{
    public string Object => "portal_session";
}

/// <summary>Marks an endpoint whose answer must not be kept by the idempotency layer (it carries a secret).</summary>
public sealed class NoIdempotencyStorage;

/// <summary>
/// <c>POST /api/v1/portal/request-access</c> (and the legacy <c>/api/portal/request-access</c>): a single-use
/// portal link for one customer.
/// </summary>
public static class RequestAccess
{
    public const string AccessPath = "/portal/access/";

    public static RouteHandlerBuilder MapRequestAccess(this IEndpointRouteBuilder routes, string pattern) =>
        routes.MapPost(pattern, HandleAsync)
            .WithTags("Portal")
            .WithSummary("A single-use customer portal URL for one customer (customerId or email, not both).")
            .RequireRateLimiting(PortalRateLimits.LinkPolicy)
            // The rate limiter answers 429 in the error envelope before the route runs.
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ApiErrorEnvelope), ["application/json"]))
            // The answer holds the link's secret; keeping it for idempotent replays would store the token in clear.
            .WithMetadata(new NoIdempotencyStorage());

    public static async Task<Results<ApiOk<PortalAccessDto>, ApiProblem>> HandleAsync(Json<RequestAccessRequest> body, CommetDb db, ApiCaller caller, PortalSessions sessions,
        PortalBrandings brandings, IOptions<CommetOptions> options, HttpRequest request, CancellationToken ct)
    {
        var r = body.Value;
        var hasId = !string.IsNullOrWhiteSpace(r.CustomerId);
        var hasEmail = !string.IsNullOrWhiteSpace(r.Email);
        var check = new Check();
        if (hasId == hasEmail)
        {
            check.Add(hasId ? "email" : "customerId", "Send exactly one of customerId or email.");
        }
        check.MaxLength("customerId", r.CustomerId, 255);
        if (hasEmail)
        {
            check.Email("email", r.Email, required: false);
        }
        if (r.ReturnUrl is not null && !ReturnUrls.IsSafe(r.ReturnUrl))
        {
            check.Add("returnUrl", "returnUrl must be an absolute http or https URL.");
        }
        Customers.CustomerRules.CheckLocale(check, r.Locale);
        if (check.Failed)
        {
            return Answer.Problem(check.ToError());
        }

        var baseUrl = BaseUrl(options.Value, request);
        if (hasId)
        {
            // The customer is found and the link stored in one statement.
            var branding = await brandings.GetAsync(db, caller.OrganizationId, caller.Livemode, ct);
            var token = await sessions.CreateLinkForAsync(db, new Tenant(caller.OrganizationId, caller.Livemode), r.CustomerId!.Trim(), r.ReturnUrl,
                branding.Settings, CustomerRules.NormalizeLocale(r.Locale), ct);
            return token is null
                ? Answer.Problem(CustomerRules.NotFound(r.CustomerId!))
                : Answer.Ok(new PortalAccessDto(baseUrl + AccessPath + token, caller.Livemode));
        }

        // One connection for the lookup and the insert.
        await db.Database.OpenConnectionAsync(ct);
        var email = r.Email!.Trim();
        var matches = await db.Customers.AsNoTracking().Where(c => c.Email == email).Take(2).ToListAsync(ct);
        if (matches.Count == 0)
        {
            var lower = email.ToLowerInvariant();
#pragma warning disable CA1862 // EF translates ToLower to SQL lower(); string.Equals with a comparison is not translatable.
            matches = await db.Customers.AsNoTracking().Where(c => c.Email.ToLower() == lower).Take(2).ToListAsync(ct);
#pragma warning restore CA1862
        }
        if (matches.Count == 0)
        {
            return Answer.Problem(Error.NotFound("customer", "No customer with this email."));
        }
        if (matches.Count > 1)
        {
            // Guessing between two people's billing would be worse than asking for the ID.
            return Answer.Problem(Error.Validation("email", "More than one customer has this email; send customerId instead."));
        }
        var customer = matches[0];

        var url = await CreateLinkAsync(db, customer, caller.OrganizationId, caller.Livemode, r.ReturnUrl, r.Locale, sessions, brandings, baseUrl, ct);
        return Answer.Ok(new PortalAccessDto(url, caller.Livemode));
    }

    /// <summary>
    /// The single-use portal link for a customer already found in the caller's tenant: what this endpoint answers, and
    /// what the dashboard's "open the portal as this customer" follows.
    /// </summary>
    public static async Task<string> CreateLinkAsync(CommetDb db, Customer customer, string organizationId, bool livemode, string? returnUrl, string? locale,
        PortalSessions sessions, PortalBrandings brandings, string baseUrl, CancellationToken ct)
    {
        var branding = await brandings.GetAsync(db, organizationId, livemode, ct);
        var token = await sessions.CreateLinkAsync(db, customer, returnUrl, branding.Settings, ct, CustomerRules.NormalizeLocale(locale));
        return baseUrl + AccessPath + token;
    }

    /// <summary>The server's public base URL (<c>Commet:PublicUrl</c>), or the request's own.</summary>
    public static string BaseUrl(CommetOptions options, HttpRequest request) =>
        (options.PublicUrl is { Length: > 0 } p ? p : $"{request.Scheme}://{request.Host}{request.PathBase}").TrimEnd('/');
}
