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
        var buffer = new MemoryStream(context.Request.ContentLength is > 0 and <= MaxPresize and var length ? (int)length : 0);
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(ApiErrors.PayloadTooLarge);
        }
        return new Json<T>(Bind(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>The most a body's announced length presizes its buffer by (a larger body grows the buffer as it comes).</summary>
    private const int MaxPresize = 64 * 1024;

    /// <summary>
    /// The body bound as <typeparamref name="T"/>, in the order a client can act on: unreadable JSON (or deeper than 32
    /// levels) first, then a root that is not an object, then a NUL character anywhere, then the fields' types. The body is
    /// read once by a bare reader to check it, then deserialized from its bytes; a body holding the escape <c>\u0000</c>
    /// is also walked as a document to name the field with the NUL.
    /// </summary>
    internal static T Bind(ReadOnlySpan<byte> body)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new T();
        }
        if (!WellFormed(body, out var root))
        {
            throw new ApiException(ApiErrors.InvalidJson);
        }
        if (root != JsonTokenType.StartObject)
        {
            throw new ApiException(Error.Validation("body", "The request body must be a JSON object."));
        }
        // A raw NUL byte cannot be in well-formed JSON (control characters must be escaped), so only the escape can bring one.
        if (body.IndexOf("\\u0000"u8) >= 0)
        {
            using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (NulField(document.RootElement, "") is { } nul)
            {
                // PostgreSQL stores no NUL in text or jsonb; refused the same way on every database.
                throw new ApiException(Error.Validation(nul, $"{nul} must not contain a NUL character (\\u0000)."));
            }
        }
        try
        {
            return JsonSerializer.Deserialize<T>(body, Api.Json) ?? new T();
        }
        catch (JsonException ex)
        {
            var field = FieldFromPath(ex.Path);
            throw new ApiException(Error.Validation(field, $"'{field}' has the wrong type or an out-of-range value."));
        }
    }

    private const int MaxDepth = 32;

    /// <summary>Whether <paramref name="body"/> is one well-formed JSON value at most <see cref="MaxDepth"/> deep, and its first token.</summary>
    private static bool WellFormed(ReadOnlySpan<byte> body, out JsonTokenType root)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        root = JsonTokenType.None;
        try
        {
            if (!reader.Read())
            {
                return false;
            }
            root = reader.TokenType;
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
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
