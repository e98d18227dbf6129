using System.Text.Json;
using System.Text.Json.Serialization;
using Commet.Domain;

namespace Commet.Server.Http;

/// <summary>The success body: <c>{"success":true,"data":…}</c>.</summary>
public sealed record ApiEnvelope<T>(bool Success, T Data);

/// <summary>A page of a list: the success body plus <c>hasMore</c> and <c>nextCursor</c>.</summary>
public sealed record ApiListEnvelope<T>(bool Success, IReadOnlyList<T> Data, bool HasMore, string? NextCursor);

/// <summary>The error body: <c>{"success":false,"error":{type, code, message, param, details, doc_url}}</c>.</summary>
public sealed record ApiErrorEnvelope(bool Success, ApiErrorBody Error);

public sealed record ApiErrorBody(
    string Type,
    string Code,
    string Message,
    string? Param,
    object? Details,
    [property: JsonPropertyName("doc_url")] string DocUrl);

/// <summary>The one place where results and domain errors become HTTP answers.</summary>
public static class Api
{
    public const string DocsBase = "https://commet.co/docs/api-reference/2026-07-11/errors/";

    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public static IResult Ok<T>(T data, int status = StatusCodes.Status200OK) =>
        Results.Json(new ApiEnvelope<T>(true, data), Json, statusCode: status);

    public static IResult Created<T>(T data) => Ok(data, StatusCodes.Status201Created);

    public static IResult Page<T>(Page<T> page) =>
        Results.Json(new ApiListEnvelope<T>(true, page.Items, page.HasMore, page.NextCursor), Json);

    public static IResult List<T>(IReadOnlyList<T> items) =>
        Results.Json(new ApiListEnvelope<T>(true, items, false, null), Json);

    public static IResult Error(Error error)
    {
        var body = ToEnvelope(error);
        return Results.Json(body, Json, statusCode: error.Status);
    }

    public static IResult From<T>(Result<T> result, Func<T, IResult> onSuccess) =>
        result.IsSuccess ? onSuccess(result.Value) : Error(result.Error);

    public static ApiErrorEnvelope ToEnvelope(Error error) =>
        new(false, new ApiErrorBody(error.Type, error.Code, error.Message, error.Param, error.Details, DocsBase + error.Code + ".md"));

    public static Task WriteErrorAsync(HttpContext context, Error error)
    {
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, ToEnvelope(error), Json, context.RequestAborted);
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            // Request bodies: refuse numbers written as strings and duplicate keys that hide each other.
            NumberHandling = JsonNumberHandling.Strict,
            AllowDuplicateProperties = false,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new UtcDateTimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>All times on the wire are ISO 8601 UTC with a trailing Z and millisecond precision.</summary>
    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset().UtcDateTime;

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>Common errors of the wire contract.</summary>
public static class ApiErrors
{
    public static readonly Error Unauthorized = new("unauthorized", "A valid API key is required in the x-api-key header.", 401, "authentication_error");
    public static readonly Error InvalidJson = new("invalid_json", "The request body is not valid JSON.", 400, "validation_error");
    public static readonly Error PayloadTooLarge = new("payload_too_large", "The request body is larger than 1 MB.", 413, "invalid_request_error");
    public static readonly Error Internal = new("internal_error", "Something went wrong on our side. Try again; if it keeps happening, contact support with the request ID.", 500, "api_error");
    /// <summary>The database cannot be reached (restarting, failing over); answered with <c>Retry-After</c>.</summary>
    public static readonly Error DatabaseUnavailable = new("service_unavailable", "The service is briefly unavailable. Retry after the time in the Retry-After header.", 503, "api_error");
    public const string DatabaseRetryAfterSeconds = "2";
    /// <summary>PostgreSQL rolled the request back for a concurrent one (deadlock, serialization failure); answered with <c>Retry-After</c>.</summary>
    public static readonly Error ConcurrentUpdate = new("concurrent_update", "Another request changed the same objects at the same moment, so this one was rolled back and nothing was saved. Retry it.", 429, "conflict_error");
    public const string ConcurrentRetryAfterSeconds = "1";
    public static readonly Error RouteNotFound = new("not_found", "No such endpoint.", 404, "invalid_request_error");
    public static readonly Error MethodNotAllowed = new("method_not_allowed", "This endpoint does not accept that HTTP method.", 405, "invalid_request_error");
    public static readonly Error DeletedMeanwhile = Domain.Error.NotFound("resource", "The object was deleted by another request at the same time.");
    public static readonly Error SandboxOnly = Domain.Error.Forbidden("sandbox_only", "This endpoint is only available with a sandbox API key.");

    public static Error EndpointNotAvailable(string what) =>
        new("endpoint_not_available", $"{what} is not available on this server yet.", 501, "api_error");
}
