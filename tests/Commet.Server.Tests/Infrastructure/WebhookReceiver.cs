using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>One request the receiver got: the raw body and the headers that matter.</summary>
public sealed record ReceivedWebhook(string Body, IReadOnlyDictionary<string, string> Headers, int AnsweredWith)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public string Event => Headers["x-commet-event"];

    public string Id => Headers["webhook-id"];
}

/// <summary>
/// A real HTTP receiver on loopback (Kestrel on a random port). It records every request and answers with
/// <see cref="Answer"/> (200 unless a test says otherwise).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private readonly SemaphoreSlim arrived = new(0);

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Func<int> Answer { get; set; } = () => 200;

    /// <summary>While set, requests are recorded and then held open until it completes (a delivery "in flight").</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>A Location header to answer with (a redirect, with a 3xx <see cref="Answer"/>).</summary>
    public string? RedirectTo { get; set; }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => received.ToArray();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var status = receiver.Answer();
            receiver.received.Enqueue(new ReceivedWebhook(body, headers, status));
            receiver.arrived.Release();
            if (receiver.Hold is { } hold)
            {
                await hold.Task;
            }
            context.Response.StatusCode = status;
            if (receiver.RedirectTo is { } location)
            {
                context.Response.Headers.Location = location;
            }
            await context.Response.WriteAsync(status < 300 ? "ok" : "receiver says no");
        });
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First() + "/hook");
        return receiver;
    }

    /// <summary>Waits (up to 60 s) until the receiver has requests matching <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!done(Received))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; got {Received.Count}: {string.Join(", ", Received.Select(r => r.Event))}");
            }
            await arrived.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Independent verifiers of both signatures, written from their specifications (not from the server's code).</summary>
public static class WebhookVerify
{
    /// <summary>X-Commet-Signature: hex HMAC-SHA256 of the raw body with the secret string as key (what @commet/node's webhooks.verify does).</summary>
    public static bool Commet(string body, string? signature, string secret)
    {
        if (signature is null)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body));
        try
        {
            return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(signature), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Standard Webhooks: the signed content is "{webhook-id}.{webhook-timestamp}.{body}", the key the base64-decoded part of
    /// the secret after "whsec_", and webhook-signature a space-separated list of "v1,{base64}"; one match is enough.
    /// </summary>
    public static bool Standard(string body, IReadOnlyDictionary<string, string> headers, string secret)
    {
        if (!headers.TryGetValue("webhook-id", out var id) || !headers.TryGetValue("webhook-timestamp", out var ts) || !headers.TryGetValue("webhook-signature", out var sigs))
        {
            return false;
        }
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{ts}.{body}"));
        foreach (var entry in sigs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(',', 2);
            if (parts.Length == 2 && parts[0] == "v1" && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(parts[1]), expected))
            {
                return true;
            }
        }
        return false;
    }

    public static bool Both(ReceivedWebhook r, string secret) => Commet(r.Body, r.Headers.GetValueOrDefault("x-commet-signature"), secret) && Standard(r.Body, r.Headers, secret);
}

/// <summary>A name-to-address map the server uses instead of DNS in tests (the connect-time check's seam).</summary>
public sealed class TestWebhookDns : Commet.Server.Webhooks.IWebhookDns
{
    public ConcurrentDictionary<string, IPAddress[]> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        Names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : Dns.GetHostAddressesAsync(host, ct);
}
