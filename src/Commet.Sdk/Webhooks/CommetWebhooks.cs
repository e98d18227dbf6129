using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Commet.Internal;

namespace Commet.Webhooks;

/// <summary>
/// Checks that a webhook delivery came from Commet and reads it. Two signature schemes are accepted:
/// Commet's <c>X-Commet-Signature</c> (hex HMAC-SHA256 of the raw body, keyed by the secret as written) and
/// Standard Webhooks (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64&gt;</c> of
/// <c>id.timestamp.body</c>, keyed by the base64 bytes after <c>whsec_</c>, within five minutes).
/// Always verify the raw body exactly as received, before parsing it.
/// </summary>
public static class CommetWebhooks
{
    /// <summary>Commet's signature header.</summary>
    public const string SignatureHeader = "X-Commet-Signature";

    /// <summary>Standard Webhooks: the message ID header.</summary>
    public const string StandardIdHeader = "webhook-id";

    /// <summary>Standard Webhooks: the Unix-seconds timestamp header.</summary>
    public const string StandardTimestampHeader = "webhook-timestamp";

    /// <summary>Standard Webhooks: the signatures header (space-separated <c>v1,&lt;base64&gt;</c> entries).</summary>
    public const string StandardSignatureHeader = "webhook-signature";

    /// <summary>How far a Standard Webhooks timestamp may be from now: five minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Whether <paramref name="signature"/> is Commet's signature of <paramref name="payload"/> (the <c>X-Commet-Signature</c> header).</summary>
    /// <param name="payload">The raw body, exactly as received.</param>
    /// <param name="signature">The header's value: a hex HMAC-SHA256.</param>
    /// <param name="secret">The endpoint's signing secret.</param>
    public static bool VerifySignature(string payload, string? signature, string secret)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return VerifySignature(Encoding.UTF8.GetBytes(payload), signature, secret);
    }

    /// <summary>Whether <paramref name="signature"/> is Commet's signature of the raw body bytes.</summary>
    /// <param name="payload">The raw body bytes.</param>
    /// <param name="signature">The header's value: a hex HMAC-SHA256.</param>
    /// <param name="secret">The endpoint's signing secret.</param>
    public static bool VerifySignature(ReadOnlySpan<byte> payload, string? signature, string secret)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(secret))
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>Commet's signature of a payload (what <c>X-Commet-Signature</c> carries); for tests and for signing your own fixtures.</summary>
    /// <param name="payload">The body.</param>
    /// <param name="secret">The signing secret.</param>
    public static string Sign(string payload, string secret)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>Whether a Standard Webhooks delivery is signed with <paramref name="secret"/> and recent.</summary>
    /// <param name="payload">The raw body.</param>
    /// <param name="id">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header (Unix seconds).</param>
    /// <param name="signatures">The <c>webhook-signature</c> header: one or more <c>v1,&lt;base64&gt;</c>, space-separated.</param>
    /// <param name="secret">The signing secret, <c>whsec_&lt;base64&gt;</c> (or the bare base64).</param>
    /// <param name="now">The time to check the timestamp against (default: now).</param>
    /// <param name="tolerance">How far the timestamp may be from <paramref name="now"/> (default five minutes).</param>
    public static bool VerifyStandard(string payload, string? id, string? timestamp, string? signatures, string secret,
        DateTimeOffset? now = null, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures) || string.IsNullOrEmpty(secret))
        {
            return false;
        }
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        var limit = tolerance ?? DefaultTolerance;
        if ((sent - (now ?? DateTimeOffset.UtcNow)).Duration() > limit)
        {
            return false;
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{payload}"));
        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || entry[..comma] != "v1")
            {
                continue;
            }
            byte[] given;
            try
            {
                given = Convert.FromBase64String(entry[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }
            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The Standard Webhooks signature (<c>v1,&lt;base64&gt;</c>) of a delivery; for tests and fixtures.</summary>
    /// <param name="payload">The body.</param>
    /// <param name="id">The message ID.</param>
    /// <param name="timestamp">The timestamp.</param>
    /// <param name="secret">The secret, <c>whsec_&lt;base64&gt;</c>.</param>
    public static string SignStandard(string payload, string id, DateTimeOffset timestamp, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp.ToUnixTimeSeconds()}.{payload}")));
    }

    /// <summary>
    /// Whether the delivery is signed, by either scheme: Standard Webhooks when its three headers are there, else
    /// <c>X-Commet-Signature</c>.
    /// </summary>
    /// <param name="payload">The raw body.</param>
    /// <param name="header">Looks a request header up by name (case-insensitive), null when absent.</param>
    /// <param name="secret">The signing secret.</param>
    /// <param name="now">The time to check a Standard Webhooks timestamp against (default: now).</param>
    public static bool Verify(string payload, Func<string, string?> header, string secret, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        var standard = header(StandardSignatureHeader);
        if (!string.IsNullOrEmpty(standard))
        {
            return VerifyStandard(payload, header(StandardIdHeader), header(StandardTimestampHeader), standard, secret, now);
        }
        return VerifySignature(payload, header(SignatureHeader), secret);
    }

    /// <summary>Reads a delivery's JSON into its typed event. Verify the signature first.</summary>
    /// <param name="payload">The raw body.</param>
    /// <exception cref="JsonException">The body is not a webhook envelope.</exception>
    public static WebhookEvent Parse(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var envelope = JsonSerializer.Deserialize(payload, CommetJsonContext.Default.WebhookEnvelope)
            ?? throw new JsonException("The webhook body is empty.");
        if (string.IsNullOrEmpty(envelope.Event))
        {
            throw new JsonException("The webhook body has no \"event\".");
        }
        var data = envelope.Data.ValueKind == JsonValueKind.Undefined ? default : envelope.Data.Clone();
        return WebhookEventTypes.Create(envelope, data);
    }

    /// <summary>Verifies a delivery (either scheme) and reads it.</summary>
    /// <param name="payload">The raw body.</param>
    /// <param name="header">Looks a request header up by name, null when absent.</param>
    /// <param name="secret">The signing secret.</param>
    /// <exception cref="CommetWebhookSignatureException">The signature is missing or wrong, or the timestamp too old.</exception>
    public static WebhookEvent VerifyAndParse(string payload, Func<string, string?> header, string secret)
    {
        if (!Verify(payload, header, secret))
        {
            throw new CommetWebhookSignatureException("The webhook signature is missing or does not match.");
        }
        return Parse(payload);
    }

    internal static T? Read<T>(JsonElement data, JsonTypeInfo<T> type) => data.ValueKind == JsonValueKind.Object ? data.Deserialize(type) : default;
}

/// <summary>A webhook delivery whose signature is missing, wrong or too old.</summary>
public sealed class CommetWebhookSignatureException : Exception
{
    /// <summary>Makes the exception.</summary>
    public CommetWebhookSignatureException()
        : base("The webhook signature is missing or does not match.")
    {
    }

    /// <summary>Makes the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public CommetWebhookSignatureException(string message)
        : base(message)
    {
    }

    /// <summary>Makes the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CommetWebhookSignatureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
