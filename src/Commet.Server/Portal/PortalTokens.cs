using System.Security.Cryptography;
using System.Text;

namespace Commet.Server.Portal;

/// <summary>Portal secrets: 256 random bits, base64url (43 characters). Only their SHA-256 is ever stored.</summary>
public static class PortalTokens
{
    public const int Bytes = 32;

    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(Bytes));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A string that could be one of our tokens; anything else is not worth a database lookup.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
