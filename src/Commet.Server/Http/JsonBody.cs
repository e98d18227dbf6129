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
            if (NulField(document.RootElement, "") is { } nul)
            {
                // PostgreSQL stores no NUL in text or jsonb; refused the same way on every database.
                throw new ApiException(Error.Validation(nul, $"{nul} must not contain a NUL character (\\u0000)."));
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

    /// <summary>The path of the first string or property name holding a NUL character (written \\u0000), or null.</summary>
    private static string? NulField(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return HasNul(element.GetRawText(), () => element.GetString()) ? Named(path) : null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (NulField(item, $"{path}[{i++}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string key;
                    try
                    {
                        key = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        continue; // a lone surrogate in a name: the binding that follows refuses it
                    }
                    var name = path.Length == 0 ? key : path + "." + key;
                    if (key.Contains('\0', StringComparison.Ordinal))
                    {
                        return Named(path);
                    }
                    if (NulField(property.Value, name) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static string Named(string path) => path.Length == 0 ? "body" : path;

    /// <summary>Cheap test on the raw text first; the decoded text only when an escaped NUL may be there.</summary>
    private static bool HasNul(string raw, Func<string?> decoded)
    {
        if (!raw.Contains("\\u0000", StringComparison.Ordinal) && !raw.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            return decoded()?.Contains('\0', StringComparison.Ordinal) == true;
        }
        catch (InvalidOperationException)
        {
            // Not valid text at all (a lone surrogate): the binding that follows refuses it.
            return false;
        }
    }

    private static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
