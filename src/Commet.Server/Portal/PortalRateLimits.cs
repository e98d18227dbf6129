using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Commet.Domain;
using Commet.Server.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Commet.Server.Portal;

/// <summary>
/// Rate limits of the portal: link requests per API key (a token bucket: a sustained rate plus a burst) and
/// link openings per client IP (a fixed window per minute). Over the limit: 429 with <c>Retry-After</c>, the
/// error envelope on the API and a short page in the portal. Counters live in each node's memory.
/// </summary>
public static class PortalRateLimits
{
    public const string LinkPolicy = "portal-links";
    public const string RedeemPolicy = "portal-redeem";

    public static readonly Error RateLimited = new("rate_limited", "Too many requests. Slow down and retry after the time in the Retry-After header.", 429, "rate_limit_error");

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LinkPolicy, context =>
            {
                var portal = context.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value;
                var key = context.RequestServices.GetRequiredService<ApiCaller>().ApiKeyId;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = portal.LinkRequestBurst,
                    TokensPerPeriod = portal.LinkRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.AddPolicy(RedeemPolicy, context =>
            {
                var portal = context.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value;
                var ip = context.Connection.RemoteIpAddress ?? IPAddress.None;
                return RateLimitPartition.GetFixedWindowLimiter(ip.ToString(), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = portal.RedemptionsPerMinutePerIp,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (rejected, ct) =>
            {
                // API answers (per-key limit, expensive-request cap, link requests) are written by Limits.
                if (await Limits.TryWriteRejectionAsync(rejected))
                {
                    return;
                }
                var http = rejected.HttpContext;
                var seconds = http.Response.Headers.RetryAfter.ToString();
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await PortalProblemPage.WriteAsync(http, "Too many attempts",
                    $"This device opened too many billing links in a short time. Wait {seconds} seconds, then open your link again.");
            };
        });
        return services;
    }
}
