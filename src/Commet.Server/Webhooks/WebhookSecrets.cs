using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Commet.Server.Webhooks;

/// <summary>
/// Signing secrets: made here, stored encrypted with ASP.NET Core Data Protection (its keys live in the database,
/// so every node can read what another wrote), and never logged.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    public const string Prefix = "whsec_";

    private readonly IDataProtector protector = protection.CreateProtector("Commet.Webhooks.Secret.v1");

    /// <summary>A new secret: <c>whsec_</c> and the base64 of 32 random bytes (the Standard Webhooks form).</summary>
    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => protector.Protect(secret);

    public string Unprotect(string stored) => protector.Unprotect(stored);
}

/// <summary>The two signatures every delivery carries.</summary>
public static class WebhookSignature
{
    /// <summary><c>X-Commet-Signature</c>: hex HMAC-SHA256 of the raw body, keyed by the secret string as it is (what @commet/node verifies).</summary>
    public static string Commet(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// One <c>webhook-signature</c> entry (Standard Webhooks): <c>v1,</c> and the base64 HMAC-SHA256 of
    /// <c>{id}.{timestamp}.{body}</c>, keyed by the base64-decoded part of the secret after <c>whsec_</c>.
    /// </summary>
    public static string Standard(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(WebhookSecrets.Prefix, StringComparison.Ordinal) ? secret[WebhookSecrets.Prefix.Length..] : secret);
        var head = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        var signed = new byte[head.Length + body.Length];
        head.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(head.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
