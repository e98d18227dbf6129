using System.Text.Json;
using Commet.Domain;
using Microsoft.AspNetCore.Http.Metadata;
using System.Reflection;

namespace Commet.Server.Http;

/// <summary>
/// A JSON request body bound by our own rules: unreadable JSON is a 400 <c>invalid_json</c>, a value of the
/// wrong type is a 422 <c>validation_error</c> naming the field, an empty body reads as <c>{}</c>, and a body
/// over the size limit is a 413.
/// </summary>
public sealed class Json<T> : IEndpointParameterMetadataProvider
    where T : class, new()
{
    private Json(T value) => Value = value;

    public T Value { get; }

    public static async ValueTask<Json<T>?> BindAsync(HttpContext context)
    {
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(ApiErrors.PayloadTooLarge);
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return new Json<T>(new T());
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            throw new ApiException(ApiErrors.InvalidJson);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ApiException(Error.Validation("body", "The request body must be a JSON object."));
            }
            try
            {
                return new Json<T>(document.RootElement.Deserialize<T>(Api.Json) ?? new T());
            }
            catch (JsonException ex)
            {
                var field = FieldFromPath(ex.Path);
                throw new ApiException(Error.Validation(field, $"'{field}' has the wrong type or an out-of-range value."));
            }
        }
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(T)));

    private static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
