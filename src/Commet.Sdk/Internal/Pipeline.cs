using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Commet.Internal;

/// <summary>A request body (JSON unless said otherwise), serialized once so that every attempt sends the same bytes.</summary>
internal sealed class Body
{
    private Body(byte[] bytes, string? mediaType = null)
    {
        Bytes = bytes;
        MediaType = mediaType;
    }

    public byte[] Bytes { get; }

    /// <summary>The media type of a body that is not JSON (such as <c>image/png</c>); null for JSON.</summary>
    public string? MediaType { get; }

    public static readonly Body Empty = new("{}"u8.ToArray());

    public static Body Of<T>(T value, JsonTypeInfo<T> type) => new(JsonSerializer.SerializeToUtf8Bytes(value, type));

    public static Body Raw(byte[] bytes, string mediaType) => new(bytes, mediaType);

    public MediaTypeHeaderValue ContentType() =>
        MediaType is null ? new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } : new MediaTypeHeaderValue(MediaType);
}

/// <summary>A query string built from the fields that have a value.</summary>
internal sealed class Query
{
    private readonly List<KeyValuePair<string, string>> pairs = [];

    public Query Add(string key, string? value)
    {
        if (value is not null)
        {
            pairs.Add(new(key, value));
        }
        return this;
    }

    public Query Add(string key, int? value) => Add(key, value?.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Query Add(string key, bool? value) => Add(key, value is null ? null : value.Value ? "true" : "false");

    public Query With(string key, string value)
    {
        var copy = new Query();
        copy.pairs.AddRange(pairs.Where(p => p.Key != key));
        copy.pairs.Add(new(key, value));
        return copy;
    }

    public override string ToString() => pairs.Count == 0 ? ""
        : "?" + string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}

/// <summary>
/// Sends requests to the API: headers, idempotency keys, per-attempt time-outs, retries with back-off, the
/// success envelope and the error envelope. Holds no per-request state, so one instance serves every thread.
/// </summary>
internal sealed class Pipeline
{
    private static readonly string UserAgentBase = "commet-dotnet/" +
        (typeof(Pipeline).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private readonly HttpClient http;
    private readonly string apiKey;
    private readonly CommetClientOptions options;
    private readonly string prefix;
    private readonly string userAgent;

    public Pipeline(HttpClient http, string apiKey, CommetClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.BaseUrl);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries);
        if (options.Timeout <= TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Timeout must be positive.");
        }
        this.http = http;
        this.apiKey = apiKey;
        this.options = options.Copy();
        prefix = this.options.BaseUrl.ToString().TrimEnd('/') + "/api/v1";
        userAgent = this.options.ApplicationId is { Length: > 0 } app ? $"{app} {UserAgentBase}" : UserAgentBase;
    }

    /// <summary>Waits between attempts; tests replace it to record the waits instead of sleeping.</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (wait, ct) => Task.Delay(wait, ct);

    /// <summary>Makes the <c>Idempotency-Key</c> of a write.</summary>
    internal static string NewIdempotencyKey() => "commet-dotnet-retry-" + Guid.NewGuid().ToString("N");

    public static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>Sends a request and reads <c>data</c> of the answer as <typeparamref name="T"/>.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, Query? query, Body? body, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path + query, body, ct).ConfigureAwait(false);
        using var document = await ReadJsonAsync(response, ct).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null)
        {
            return default!;
        }
        return data.Deserialize(type)!;
    }

    /// <summary>Every item of a list, page after page, following <c>nextCursor</c> while <c>hasMore</c> is true.</summary>
    public async IAsyncEnumerable<T> ListAsync<T>(string path, Query query, JsonTypeInfo<T> type, [EnumeratorCancellation] CancellationToken ct)
    {
        var current = query;
        while (true)
        {
            List<T> items;
            string? next;
            using (var response = await SendRawAsync(HttpMethod.Get, path + current, null, ct).ConfigureAwait(false))
            using (var document = await ReadJsonAsync(response, ct).ConfigureAwait(false))
            {
                var root = document.RootElement;
                items = [];
                if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
                {
                    foreach (var element in data.EnumerateArray())
                    {
                        items.Add(element.Deserialize(type)!);
                    }
                }
                var hasMore = root.TryGetProperty("hasMore", out var more) && more.ValueKind == JsonValueKind.True;
                next = hasMore && root.TryGetProperty("nextCursor", out var cursor) && cursor.ValueKind == JsonValueKind.String ? cursor.GetString() : null;
            }
            foreach (var item in items)
            {
                yield return item;
            }
            if (next is null)
            {
                yield break;
            }
            current = current.With("cursor", next);
        }
    }

    /// <summary>Sends a request and returns the answer's body as a seekable stream (buffered within the time-out).</summary>
    public async Task<Stream> SendForStreamAsync(string url, CancellationToken ct)
    {
        using var response = await SendRawAsync(HttpMethod.Get, url, null, ct, absolute: true).ConfigureAwait(false);
        using var timeout = TimeoutSource(ct);
        var buffer = new MemoryStream();
        await response.Content.CopyToAsync(buffer, timeout.Token).ConfigureAwait(false);
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>
    /// Opens a long-lived stream (server-sent events): one attempt, whose time-out covers the answer's headers only; an
    /// error answer becomes a <see cref="CommetApiException"/>. The caller disposes the answer.
    /// </summary>
    public async Task<(HttpResponseMessage Response, Stream Body)> OpenStreamAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, prefix + path);
        request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        request.Headers.TryAddWithoutValidation("commet-version", options.ApiVersion);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage response;
        using (var timeout = TimeoutSource(ct))
        {
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"GET {path} did not answer within {options.Timeout.TotalSeconds:0.###} s.", ex);
            }
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ErrorAsync(response, ct).ConfigureAwait(false);
            }
        }
        try
        {
            return (response, await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private CancellationTokenSource TimeoutSource(CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            source.CancelAfter(options.Timeout);
        }
        return source;
    }

    private static bool IsWrite(HttpMethod method) => method != HttpMethod.Get && method != HttpMethod.Head;

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based): 1 s, 2 s, 4 s, at most 8 s by default.</summary>
    internal TimeSpan Backoff(int retry)
    {
        var ticks = options.RetryDelay.Ticks * Math.Pow(2, retry - 1);
        return ticks >= options.MaxRetryDelay.Ticks ? options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// Sends with retries and returns a successful answer (2xx), its body not yet read; any other answer becomes a
    /// <see cref="CommetApiException"/>. A write carries one <c>Idempotency-Key</c> for all its attempts.
    /// </summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string pathAndQuery, Body? body, CancellationToken ct, bool absolute = false)
    {
        var url = absolute ? pathAndQuery : prefix + pathAndQuery;
        var idempotencyKey = IsWrite(method) && options.MaxRetries > 0 ? NewIdempotencyKey() : null;
        for (var attempt = 0; ; attempt++)
        {
            var canRetry = attempt < options.MaxRetries;
            using var request = new HttpRequestMessage(method, url);
            if (!absolute)
            {
                // A signed link (an invoice PDF) needs no key, and may point at another host.
                request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
            }
            request.Headers.TryAddWithoutValidation("commet-version", options.ApiVersion);
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (idempotencyKey is not null)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            }
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body.Bytes);
                request.Content.Headers.ContentType = body.ContentType();
            }

            HttpResponseMessage response;
            using (var timeout = TimeoutSource(ct))
            {
                try
                {
                    response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        // Buffer the body inside the attempt's time-out, so a stalled body is a time-out too.
                        await response.Content.LoadIntoBufferAsync(timeout.Token).ConfigureAwait(false);
                        return response;
                    }
                }
                catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
                {
                    if (canRetry)
                    {
                        await Delay(Backoff(attempt + 1), ct).ConfigureAwait(false);
                        continue;
                    }
                    throw new TimeoutException($"{method} {pathAndQuery} did not answer within {options.Timeout.TotalSeconds:0.###} s " +
                        $"({attempt + 1} attempt{(attempt == 0 ? "" : "s")}).", ex);
                }
                catch (HttpRequestException) when (canRetry && !ct.IsCancellationRequested)
                {
                    await Delay(Backoff(attempt + 1), ct).ConfigureAwait(false);
                    continue;
                }
            }

            var wait = canRetry ? RetryWait(response, attempt + 1) : null;
            if (wait is { } delay)
            {
                response.Dispose();
                await Delay(delay, ct).ConfigureAwait(false);
                continue;
            }
            using (response)
            {
                throw await ErrorAsync(response, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The wait before retrying an error answer, or null when it is not retried: 408 and 5xx (not 501, a route
    /// the server does not have) back off; 429 waits what <c>Retry-After</c> says, and only when it says so and no
    /// more than <see cref="CommetClientOptions.MaxRetryAfter"/>.
    /// </summary>
    private TimeSpan? RetryWait(HttpResponseMessage response, int retry)
    {
        var status = (int)response.StatusCode;
        if (status == 429)
        {
            var after = RetryAfter(response);
            return after is { } a && a <= options.MaxRetryAfter ? a : null;
        }
        if (status == 408 || (status >= 500 && status != 501))
        {
            return Backoff(retry);
        }
        return null;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta > TimeSpan.Zero ? delta : null;
        }
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            throw new CommetApiException(response.StatusCode, "invalid_response", "api_error",
                $"The server answered {(int)response.StatusCode} with a body that is not JSON.", null, RequestId(response), [], null, null);
        }
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;

    private static async Task<CommetApiException> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = response.StatusCode;
        var requestId = RequestId(response);
        var retryAfter = RetryAfter(response);
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            text = "";
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var fields = new List<CommetFieldError>();
                JsonElement? details = null;
                if (error.TryGetProperty("details", out var d) && d.ValueKind != JsonValueKind.Null)
                {
                    details = d.Clone();
                    if (d.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var item in d.EnumerateArray())
                        {
                            if (item.ValueKind == JsonValueKind.Object && Str(item, "field") is { } field)
                            {
                                fields.Add(new CommetFieldError(field, Str(item, "message") ?? ""));
                            }
                        }
                    }
                }
                return new CommetApiException(status, Str(error, "code") ?? "unknown", Str(error, "type") ?? "api_error",
                    Str(error, "message") ?? $"Request failed with status {(int)status}.", Str(error, "param"), requestId, fields,
                    Str(error, "doc_url"), details) { RetryAfter = retryAfter };
            }
        }
        catch (JsonException)
        {
        }
        var snippet = text.Length > 200 ? text[..200] + "…" : text;
        return new CommetApiException(status, "unknown", "api_error",
            $"Request failed with status {(int)status}{(snippet.Length > 0 ? ": " + snippet : ".")}", null, requestId, [], null, null) { RetryAfter = retryAfter };
    }

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
