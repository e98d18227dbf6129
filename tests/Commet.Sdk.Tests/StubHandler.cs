using System.Net;
using System.Text;
using Commet.Internal;

namespace Commet.Sdk.Tests;

/// <summary>An HTTP handler that answers from a script and records every request it was sent.</summary>
public sealed class StubHandler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    public List<RecordedRequest> Requests { get; } = [];

    public StubHandler(params Func<HttpResponseMessage>[] answers)
        : this((_, n, _) => Task.FromResult(answers[Math.Min(n, answers.Length - 1)]()))
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        int n;
        lock (Requests)
        {
            n = Requests.Count;
            Requests.Add(new RecordedRequest(request.Method, request.RequestUri!,
                request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase), body));
        }
        return await answer(request, n, cancellationToken);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string? requestId = "req_stub")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (requestId is not null)
        {
            response.Headers.Add("x-request-id", requestId);
        }
        return response;
    }

    public static HttpResponseMessage Ok(string dataJson) => Json(HttpStatusCode.OK, $$"""{"success":true,"data":{{dataJson}}}""");

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string type = "api_error", string message = "failed") =>
        Json(status, "{\"success\":false,\"error\":{\"type\":\"" + type + "\",\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
}

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, string? Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>A client over a stub handler whose waits between attempts are recorded instead of slept.</summary>
public sealed class StubClient
{
    public StubClient(StubHandler handler, Action<CommetClientOptions>? configure = null)
    {
        Handler = handler;
        var options = new CommetClientOptions { BaseUrl = new Uri("http://commet.test/") };
        configure?.Invoke(options);
        Client = new CommetClient("ck_test_stub", options, new HttpClient(handler));
        Client.Pipeline!.Delay = (wait, ct) =>
        {
            lock (Waits)
            {
                Waits.Add(wait);
            }
            return Task.CompletedTask;
        };
    }

    public StubHandler Handler { get; }

    public CommetClient Client { get; }

    public List<TimeSpan> Waits { get; } = [];
}
