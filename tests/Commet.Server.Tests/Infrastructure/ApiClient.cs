using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>An answer from the server, with its JSON body parsed.</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonNode? Body, string Raw, HttpResponseHeaders Headers)
{
    public JsonNode Data => Body?["data"] ?? throw new InvalidOperationException($"No data in {Status}: {Raw}");

    public string? ErrorCode => Body?["error"]?["code"]?.GetValue<string>();

    public string[] ErrorFields => Body?["error"]?["details"] is JsonArray details
        ? details.Select(d => d!["field"]!.GetValue<string>()).ToArray()
        : [];

    public override string ToString() => $"{(int)Status} {Raw}";
}

public static class ApiClientExtensions
{
    public static Task<ApiResponse> GetJson(this HttpClient client, string path) => client.Send(HttpMethod.Get, path, null);

    public static Task<ApiResponse> PostJson(this HttpClient client, string path, object? body, string? idempotencyKey = null) =>
        client.Send(HttpMethod.Post, path, body, idempotencyKey);

    public static Task<ApiResponse> PutJson(this HttpClient client, string path, object? body) => client.Send(HttpMethod.Put, path, body);

    public static Task<ApiResponse> Delete(this HttpClient client, string path) => client.Send(HttpMethod.Delete, path, null);

    /// <summary>Posts text as it is, for malformed JSON and odd bodies.</summary>
    public static async Task<ApiResponse> PostRaw(this HttpClient client, string path, string raw, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(raw, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await Read(await client.SendAsync(request));
    }

    public static async Task<ApiResponse> Send(this HttpClient client, HttpMethod method, string path, object? body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonOptions), Encoding.UTF8, "application/json");
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await Read(await client.SendAsync(request));
    }

    /// <summary>Sends a request as built by the caller (any method, any body) and reads the answer.</summary>
    public static async Task<ApiResponse> SendRawAsync(this HttpClient client, HttpRequestMessage request) => await Read(await client.SendAsync(request));

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static async Task<ApiResponse> Read(HttpResponseMessage response)
    {
        using (response)
        {
            var raw = await response.Content.ReadAsStringAsync();
            JsonNode? json = null;
            try
            {
                json = raw.Length > 0 ? JsonNode.Parse(raw) : null;
            }
            catch (JsonException)
            {
            }
            return new ApiResponse(response.StatusCode, json, raw, response.Headers);
        }
    }
}
