using System.Net.Mail;
using System.Text.Json;
using Commet.Domain;

namespace Commet.Server.Http;

/// <summary>
/// Collects every field error of a request before answering, so that a client sees all of them at once in
/// <c>details</c>.
/// </summary>
public sealed class Check
{
    public const int MaxMetadataKeys = 50;
    public const int MaxMetadataKeyLength = 40;
    public const int MaxMetadataBytes = 8 * 1024;

    private readonly List<FieldError> errors = [];

    public bool Failed => errors.Count > 0;

    public Error ToError() => Error.Validation(errors);

    public Check Add(string field, string message)
    {
        errors.Add(new FieldError(field, message));
        return this;
    }

    public Check That(bool ok, string field, string message) => ok ? this : Add(field, message);

    public Check Required(string field, string? value, int maxLength = 255)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, $"{field} is required.");
        }
        return MaxLength(field, value, maxLength);
    }

    public Check MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"{field} must be at most {maxLength} characters.");
        }
        else if (value is not null && value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            Add(field, $"{field} must not contain control characters.");
        }
        return this;
    }

    public Check Email(string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Add(field, $"{field} is required.") : this;
        }
        if (value.Length > 320 || !IsEmail(value))
        {
            Add(field, $"{field} must be a valid email address.");
        }
        return this;
    }

    public Check OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required)
    {
        if (value is null)
        {
            return required ? Add(field, $"{field} is required; one of {string.Join(", ", allowed)}.") : this;
        }
        return allowed.Contains(value) ? this : Add(field, $"{field} must be one of {string.Join(", ", allowed)}.");
    }

    public Check Range(string field, long? value, long min, long max)
    {
        if (value is { } v && (v < min || v > max))
        {
            Add(field, $"{field} must be between {min} and {max}.");
        }
        return this;
    }

    public Check Metadata(string field, Dictionary<string, JsonElement>? metadata)
    {
        if (metadata is null)
        {
            return this;
        }
        if (metadata.Count > MaxMetadataKeys)
        {
            return Add(field, $"{field} may have at most {MaxMetadataKeys} keys.");
        }
        foreach (var key in metadata.Keys)
        {
            if (key.Length == 0 || key.Length > MaxMetadataKeyLength)
            {
                return Add(field, $"{field} keys must be 1 to {MaxMetadataKeyLength} characters.");
            }
        }
        if (JsonSerializer.SerializeToUtf8Bytes(metadata, Api.Json).Length > MaxMetadataBytes)
        {
            Add(field, $"{field} must be at most {MaxMetadataBytes / 1024} KB as JSON.");
        }
        return this;
    }

    private static bool IsEmail(string value)
    {
        if (value.Contains(' ', StringComparison.Ordinal) || value.Count(c => c == '@') != 1)
        {
            return false;
        }
        try
        {
            var address = new MailAddress(value);
            return address.Address == value && address.Host.Contains('.', StringComparison.Ordinal) && !address.Host.EndsWith('.');
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
