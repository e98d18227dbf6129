using System.Net;
using System.Text;
using Commet.Domain.Billing;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Commet.Server.Webhooks;

/// <summary>What one attempt did.</summary>
public sealed record WebhookAttempt(bool Success, int? StatusCode, int DurationMs, string? Error, DateTime At);

/// <summary>
/// Sends one signed delivery: POST of the body as it is, with the Commet headers and the Standard Webhooks headers.
/// Redirects are not followed, at most 64 KB of the answer is read, and secrets appear in no log or error.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, WebhookSecrets secrets, TimeProvider time)
{
    public const string LiveClient = "commet-webhooks-live";
    public const string SandboxClient = "commet-webhooks-sandbox";
    public const int MaxResponseBytes = 64 * 1024;

    public async Task<WebhookAttempt> SendAsync(WebhookEndpoint endpoint, string messageId, string eventType, string body, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        var started = time.GetTimestamp();
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = at.ToUnixTimeSeconds();
        var secret = secrets.Unprotect(endpoint.SecretProtected);
        var previous = endpoint.PreviousSecretProtected is { } p && endpoint.PreviousSecretExpiresAt > at.UtcDateTime ? secrets.Unprotect(p) : null;

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("Commet-Webhooks/1.0");
        request.Headers.TryAddWithoutValidation("X-Commet-Signature", WebhookSignature.Commet(secret, bytes));
        if (previous is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Commet-Signature-Previous", WebhookSignature.Commet(previous, bytes));
        }
        request.Headers.TryAddWithoutValidation("X-Commet-Event", eventType);
        request.Headers.TryAddWithoutValidation("X-Commet-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("X-Commet-Event-Id", messageId);
        request.Headers.TryAddWithoutValidation("webhook-id", messageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var signatures = WebhookSignature.Standard(secret, messageId, timestamp, bytes);
        if (previous is not null)
        {
            signatures += " " + WebhookSignature.Standard(previous, messageId, timestamp, bytes);
        }
        request.Headers.TryAddWithoutValidation("webhook-signature", signatures);

        var client = clients.CreateClient(endpoint.Livemode ? LiveClient : SandboxClient);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var excerpt = await ReadCappedAsync(response, ct);
            var code = (int)response.StatusCode;
            var ok = code is >= 200 and < 300;
            return new WebhookAttempt(ok, code, Elapsed(started), ok ? null : Trim($"HTTP {code}{(excerpt.Length > 0 ? ": " + excerpt : "")}"), at.UtcDateTime);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException or TimeoutRejectedException or WebhookTargetRefusedException
            && !ct.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, Elapsed(started), Trim(Describe(ex)), at.UtcDateTime);
        }
    }

    private int Elapsed(long started) => (int)Math.Min(int.MaxValue, time.GetElapsedTime(started).TotalMilliseconds);

    private static string Describe(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException)
        {
            if (e is WebhookTargetRefusedException refused)
            {
                return refused.Message;
            }
        }
        return ex switch
        {
            TimeoutRejectedException or TaskCanceledException or OperationCanceledException => "Timed out waiting for the endpoint.",
            HttpRequestException { HttpRequestError: var kind } h => $"{kind}: {h.InnerException?.Message ?? h.Message}",
            _ => ex.Message,
        };
    }

    /// <summary>Reads at most 64 KB of the answer and keeps a short excerpt for the delivery log.</summary>
    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxResponseBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        var text = Encoding.UTF8.GetString(buffer, 0, Math.Min(read, 300));
        return text.ReplaceLineEndings(" ").Trim();
    }

    private static string Trim(string s) => s.Length <= 1000 ? s : s[..1000];
}

public static class WebhookServices
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.IsValid(), "Commet:Webhooks settings are out of range (RetrySchedule must be comma-separated TimeSpans).")
            .ValidateOnStart();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<IWebhookDns, SystemWebhookDns>();
        services.AddSingleton<WebhookTargets>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<CreateWebhookEndpoint>();
        services.AddSingleton<UpdateWebhookEndpoint>();
        services.AddSingleton<DeleteWebhookEndpoint>();
        services.AddSingleton<SendTestWebhook>();
        services.AddSingleton<RedeliverWebhook>();
        services.AddSingleton<RotateWebhookSecret>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        var timeout = TimeSpan.FromSeconds(Math.Max(1, configuration.GetSection(WebhookOptions.Section).GetValue<int?>(nameof(WebhookOptions.TimeoutSeconds)) ?? 10));
        foreach (var (name, livemode) in new[] { (WebhookSender.LiveClient, true), (WebhookSender.SandboxClient, false) })
        {
            services.AddHttpClient(name, c => c.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(sp =>
                {
                    var targets = sp.GetRequiredService<WebhookTargets>();
                    return new SocketsHttpHandler
                    {
                        AllowAutoRedirect = false,
                        UseProxy = false,
                        UseCookies = false,
                        AutomaticDecompression = DecompressionMethods.None,
                        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                        ConnectTimeout = timeout,
                        MaxResponseHeadersLength = 64,
                        ConnectCallback = (context, ct) => targets.ConnectAsync(context.DnsEndPoint, livemode, ct),
                    };
                })
                // The 10 s limit per attempt; retries are the dispatcher's own (durable, on the schedule).
                .AddResilienceHandler("webhook-timeout", b => b.AddTimeout(timeout));
        }
        return services;
    }
}
