using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Commet.Webhooks;
using Commet;

namespace Commet.Cli;

/// <summary>
/// <c>commet listen</c>: reads the server's sandbox event stream and POSTs each event to a local URL, signed with a listen
/// secret as the server signs real deliveries. <c>commet trigger</c>: asks the server for a sample event.
/// </summary>
internal static class ListenCommands
{
    public static void Add(RootCommand root, CliHost host, CliApp.ActionBinder action)
    {
        var forwardTo = new Option<string>("--forward-to") { Description = "The local URL to POST each event to, such as http://localhost:5000/webhooks/commet.", Required = true };
        var events = new Option<string>("--events") { Description = "Only these events, comma-separated (default: all)." };
        var secret = new Option<string>("--secret") { Description = "Sign with this whsec_… secret instead of a new one made for this run." };
        var listen = new Command("listen", "Forward the organization's sandbox events to a local URL, signed with a listen secret (sandbox keys only).") { forwardTo, events, secret };
        action(listen, host, (s, ct) => ListenAsync(s, s.Parse.GetValue(forwardTo)!, s.Parse.GetValue(events), s.Parse.GetValue(secret), ct));
        root.Subcommands.Add(listen);

        var eventName = new Argument<string>("event") { Description = "The event to send, such as subscription.canceled." };
        var trigger = new Command("trigger", "Make the server record a sample event of this type (sandbox keys only); listeners and endpoints receive it.") { eventName };
        action(trigger, host, async (s, ct) =>
        {
            var triggered = await s.Client().Webhooks.TriggerAsync(s.Parse.GetValue(eventName)!, ct);
            var (id, name) = (triggered.Id, triggered.Event);
            if (s.Json)
            {
                host.WriteJson(new { id, @event = name });
            }
            else
            {
                host.Out.WriteLine($"Triggered {name} ({id}).");
            }
            return 0;
        });
        root.Subcommands.Add(trigger);
    }

    private static async Task<int> ListenAsync(CliApp.Session s, string forwardTo, string? only, string? givenSecret, CancellationToken ct)
    {
        var host = s.Host;
        if (!Uri.TryCreate(forwardTo, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"--forward-to '{forwardTo}' is not an http or https URL.");
        }
        var secret = givenSecret ?? "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        if (!IsSecret(secret))
        {
            throw new CliException("--secret must be whsec_ followed by base64, as webhook endpoint secrets are.");
        }
        var filter = only?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var (url, key) = Profiles.Resolve(host, s.ProfileName);

        using var stream = Http(host);
        stream.Timeout = Timeout.InfiniteTimeSpan;
        using var forward = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        forward.DefaultRequestHeaders.UserAgent.ParseAdd("Commet-Webhooks/1.0");

        host.Out.WriteLine($"Listen secret: {secret}");
        host.Out.WriteLine("  (verify deliveries with it in your app while listening)");
        var first = true;
        try
        {
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Api(url, "webhooks/listen"));
                request.Headers.TryAddWithoutValidation("x-api-key", key);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                HttpResponseMessage response;
                try
                {
                    response = await stream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                }
                catch (HttpRequestException) when (!first)
                {
                    host.Err.WriteLine("Lost the server; trying again in 2 s.");
                    await Task.Delay(TimeSpan.FromSeconds(2), ct);
                    continue;
                }
                using (response)
                {
                    await ThrowIfErrorAsync(response, ct);
                    host.Out.WriteLine(first
                        ? $"Ready. Forwarding sandbox events{(filter is null ? "" : " (" + string.Join(", ", filter) + ")")} to {target} (Ctrl+C to stop)."
                        : "Reconnected (events recorded while disconnected were not forwarded).");
                    host.Out.Flush();
                    first = false;
                    try
                    {
                        await ReadEventsAsync(response, async (name, data) =>
                        {
                            if (filter is null || filter.Contains(name))
                            {
                                await ForwardAsync(host, forward, target, secret, name, data, ct);
                            }
                        }, ct);
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException && !ct.IsCancellationRequested)
                    {
                        // Falls through to reconnect.
                    }
                }
                host.Err.WriteLine("The server closed the stream; reconnecting in 2 s.");
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            host.Out.WriteLine("Stopped.");
            return 0;
        }
    }

    /// <summary>Reads server-sent events: <c>event:</c> and <c>data:</c> lines up to a blank line; comments (heartbeats) are skipped.</summary>
    private static async Task ReadEventsAsync(HttpResponseMessage response, Func<string, string, Task> onEvent, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    await onEvent(name ?? "message", data.ToString());
                }
                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }
                data.Append(line["data:".Length..].TrimStart(' '));
            }
        }
    }

    /// <summary>POSTs one envelope with the headers a real delivery carries, signed with the listen secret, and prints the outcome.</summary>
    private static async Task ForwardAsync(CliHost host, HttpClient forward, Uri target, string secret, string name, string body, CancellationToken ct)
    {
        string id;
        using (var envelope = JsonDocument.Parse(body))
        {
            id = envelope.RootElement.TryGetProperty("id", out var i) ? i.GetString() ?? "" : "";
        }
        var now = DateTimeOffset.UtcNow;
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(CommetWebhooks.SignatureHeader, CommetWebhooks.Sign(body, secret));
        request.Headers.TryAddWithoutValidation("X-Commet-Event", name);
        request.Headers.TryAddWithoutValidation("X-Commet-Timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("X-Commet-Event-Id", id);
        request.Headers.TryAddWithoutValidation(CommetWebhooks.StandardIdHeader, id);
        request.Headers.TryAddWithoutValidation(CommetWebhooks.StandardTimestampHeader, timestamp);
        request.Headers.TryAddWithoutValidation(CommetWebhooks.StandardSignatureHeader, CommetWebhooks.SignStandard(body, id, now, secret));
        var watch = Stopwatch.StartNew();
        string outcome;
        try
        {
            using var response = await forward.SendAsync(request, ct);
            outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            outcome = e is TaskCanceledException ? "timed out" : "failed: " + e.Message;
        }
        host.Out.WriteLine($"{now.UtcDateTime:HH:mm:ss}  {name}  {id}  → {outcome}  {watch.ElapsedMilliseconds} ms");
        host.Out.Flush();
    }

    private static bool IsSecret(string secret)
    {
        if (!secret.StartsWith("whsec_", StringComparison.Ordinal) || secret.Length <= "whsec_".Length)
        {
            return false;
        }
        Span<byte> buffer = stackalloc byte[secret.Length];
        return Convert.TryFromBase64String(secret["whsec_".Length..], buffer, out _);
    }

    private static Uri Api(Uri server, string path) => new(server.ToString().TrimEnd('/') + "/api/v1/" + path);

    private static HttpClient Http(CliHost host) =>
        host.Handler is null ? new HttpClient() : new HttpClient(host.Handler, disposeHandler: false);

    /// <summary>Turns the server's error envelope into the exception every command reports the same way.</summary>
    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var requestId = response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;
        var code = "unknown";
        var type = "api_error";
        var message = $"The server answered {(int)response.StatusCode}.";
        var fields = new List<CommetFieldError>();
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                code = error.TryGetProperty("code", out var c) ? c.GetString() ?? code : code;
                type = error.TryGetProperty("type", out var t) ? t.GetString() ?? type : type;
                message = error.TryGetProperty("message", out var m) ? m.GetString() ?? message : message;
                if (error.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in d.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("field", out var f) && item.TryGetProperty("message", out var fm))
                        {
                            fields.Add(new CommetFieldError(f.GetString() ?? "", fm.GetString() ?? ""));
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
        }
        throw new CommetApiException((HttpStatusCode)(int)response.StatusCode, code, type, message, null, requestId, fields);
    }
}
