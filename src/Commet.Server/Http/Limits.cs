using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Commet.Domain;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Commet.Server.Http;

/// <summary>
/// Per-API-key request rate (<c>Commet:RateLimits</c>): a token bucket per key, <see cref="RequestsPerSecond"/>
/// sustained with bursts up to <see cref="Burst"/>; and a cap on expensive requests running at once (usage
/// batches, invoice PDFs) across all keys. Counters live in each node's memory.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Commet:RateLimits";

    /// <summary>Requests per second a key may make on average. 0 turns the per-key limit off.</summary>
    public int RequestsPerSecond { get; set; } = 1000;

    /// <summary>Requests a key may make at once after a quiet spell (the bucket's size).</summary>
    public int Burst { get; set; } = 2000;

    /// <summary>Expensive requests (usage batch, invoice PDF) running at once on this node.</summary>
    public int ExpensiveConcurrency { get; set; } = 8;

    /// <summary>Expensive requests waiting for a slot; beyond this they are refused with 503.</summary>
    public int ExpensiveQueue { get; set; } = 64;

    public bool IsValid() => RequestsPerSecond >= 0 && Burst >= 1 && ExpensiveConcurrency >= 1 && ExpensiveQueue >= 0;
}

/// <summary>Connection and request time limits (<c>Commet:Limits</c>), against slow clients and stuck requests.</summary>
public sealed class ServerLimitOptions
{
    public const string Section = "Commet:Limits";

    /// <summary>A request running longer than this is cancelled and answered 504 <c>request_timeout</c>. 0 turns it off.</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Time a client has to send all request headers (Kestrel closes the connection after it).</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Time an idle keep-alive connection stays open.</summary>
    public int KeepAliveTimeoutSeconds { get; set; } = 120;

    /// <summary>Slowest accepted request body upload, after a 5 second grace period (Kestrel answers 408 below it).</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Largest total size of the request headers (Kestrel answers 431 above it).</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Open connections per node; 0 means no limit.</summary>
    public long MaxConcurrentConnections { get; set; }

    public bool IsValid() => RequestTimeoutSeconds >= 0 && RequestHeadersTimeoutSeconds >= 1 && KeepAliveTimeoutSeconds >= 1
        && MinRequestBodyBytesPerSecond >= 0 && MaxRequestHeadersBytes >= 1024 && MaxConcurrentConnections >= 0;
}

/// <summary>Registers the limits: the per-key rate limiter, the expensive-request cap, request timeouts and Kestrel's limits.</summary>
public static class Limits
{
    public const string ExpensivePolicy = "expensive";

    public static readonly Error RateLimited = new("rate_limited", "Too many requests. Slow down and retry after the time in the Retry-After header.", 429, "rate_limit_error");
    public static readonly Error ServerBusy = new("server_busy", "The server is busy with other expensive requests. Retry after the time in the Retry-After header.", 503, "api_error");
    public static readonly Error RequestTimeout = new("request_timeout", "The request took too long and was stopped. Retry it; if it keeps happening, make it smaller.", 504, "api_error");
    public static readonly Error ClientTooSlow = new("request_timeout", "The request body arrived too slowly.", 408, "invalid_request_error");

    public static WebApplicationBuilder AddCommetLimits(this WebApplicationBuilder builder)
    {
        var rates = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        var server = builder.Configuration.GetSection(ServerLimitOptions.Section).Get<ServerLimitOptions>() ?? new ServerLimitOptions();
        builder.Services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.IsValid(), "Commet:RateLimits settings are out of range.").ValidateOnStart();
        builder.Services.AddOptions<ServerLimitOptions>().Bind(builder.Configuration.GetSection(ServerLimitOptions.Section))
            .Validate(o => o.IsValid(), "Commet:Limits settings are out of range.").ValidateOnStart();

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(Math.Max(1, server.RequestHeadersTimeoutSeconds));
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(Math.Max(1, server.KeepAliveTimeoutSeconds));
            k.Limits.MinRequestBodyDataRate = server.MinRequestBodyBytesPerSecond > 0
                ? new MinDataRate(server.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5))
                : null;
            k.Limits.MaxRequestHeadersTotalSize = Math.Max(1024, server.MaxRequestHeadersBytes);
            k.Limits.MaxConcurrentConnections = server.MaxConcurrentConnections > 0 ? server.MaxConcurrentConnections : null;
        });

        var buckets = new KeyBuckets(rates);
        builder.Services.AddSingleton(buckets);
        builder.Services.PostConfigure<RateLimiterOptions>(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var key = context.RequestServices.GetRequiredService<ApiCaller>().ApiKeyId;
                return key.Length == 0 || rates.RequestsPerSecond == 0
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.Get(key, buckets.Create);
            });
            o.AddPolicy(ExpensivePolicy, _ => RateLimitPartition.GetConcurrencyLimiter(ExpensivePolicy, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = rates.ExpensiveConcurrency,
                QueueLimit = rates.ExpensiveQueue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
        });

        builder.Services.AddRequestTimeouts(o =>
        {
            if (server.RequestTimeoutSeconds > 0)
            {
                o.DefaultPolicy = new RequestTimeoutPolicy
                {
                    Timeout = TimeSpan.FromSeconds(server.RequestTimeoutSeconds),
                    TimeoutStatusCode = RequestTimeout.Status,
                    // Not Api.WriteErrorAsync: the request's token is the one that just timed out.
                    WriteTimeoutResponse = context =>
                    {
                        context.Response.ContentType = "application/json; charset=utf-8";
                        return System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, Api.ToEnvelope(RequestTimeout), Api.Json, CancellationToken.None);
                    },
                };
            }
        });
        return builder;
    }

    /// <summary>
    /// Answers a refusal of the rate limiter: 503 <c>server_busy</c> when the expensive-request queue is full, otherwise
    /// 429 <c>rate_limited</c>, always with <c>Retry-After</c>. Returns false for requests outside <c>/api</c> with a
    /// per-second limit (the portal writes its own page).
    /// </summary>
    public static async Task<bool> TryWriteRejectionAsync(OnRejectedContext rejected)
    {
        var http = rejected.HttpContext;
        var hasRetryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        if (!hasRetryAfter && policy == ExpensivePolicy)
        {
            http.Response.Headers.RetryAfter = "1";
            await Api.WriteErrorAsync(http, ServerBusy);
            return true;
        }
        var seconds = hasRetryAfter ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            return false;
        }
        http.RequestServices.GetRequiredService<KeyBuckets>().WriteHeaders(http);
        await Api.WriteErrorAsync(http, RateLimited);
        return true;
    }
}

/// <summary>
/// The token bucket of each API key, kept so that every answer can carry the IETF draft's <c>RateLimit-Limit</c>,
/// <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> (seconds until the bucket is full again).
/// </summary>
public sealed class KeyBuckets(RateLimitOptions options)
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> buckets = new();

    /// <summary>Makes a key's bucket; the partitioned limiter calls it again after disposing one left idle.</summary>
    public TokenBucketRateLimiter Create(string key)
    {
        var bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = Math.Max(1, options.RequestsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        buckets[key] = bucket;
        return bucket;
    }

    /// <summary>Sets the RateLimit-* headers of the calling key on the response.</summary>
    public void WriteHeaders(HttpContext context)
    {
        var key = context.RequestServices.GetRequiredService<ApiCaller>().ApiKeyId;
        if (options.RequestsPerSecond == 0 || key.Length == 0 || !buckets.TryGetValue(key, out var bucket))
        {
            return;
        }
        long remaining;
        try
        {
            remaining = bucket.GetStatistics()?.CurrentAvailablePermits ?? options.Burst;
        }
        catch (ObjectDisposedException)
        {
            remaining = options.Burst;
        }
        remaining = Math.Clamp(remaining, 0, options.Burst);
        var reset = (long)Math.Ceiling((options.Burst - remaining) / (double)Math.Max(1, options.RequestsPerSecond));
        var headers = context.Response.Headers;
        headers["RateLimit-Limit"] = options.Burst.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>Puts the caller's RateLimit-* headers on every authenticated <c>/api</c> answer.</summary>
public sealed class RateLimitHeadersMiddleware(RequestDelegate next, KeyBuckets buckets)
{
    public Task InvokeAsync(HttpContext context)
    {
        buckets.WriteHeaders(context);
        return next(context);
    }
}
