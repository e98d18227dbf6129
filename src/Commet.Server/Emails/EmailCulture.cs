using System.Globalization;
using Commet.Domain;
using Commet.Server.Localization;

namespace Commet.Server.Emails;

/// <summary>Which language an email to a customer is written in.</summary>
public interface IEmailCulture
{
    CultureInfo For(Customer customer, PortalSettings? settings);
}

/// <summary>
/// The customer's <c>locale</c>, else the organization's default language (portal settings), else English — matched
/// to the languages the server is written in the same way as the portal does (<see cref="Languages.Match"/>:
/// es-MX → es, pt → pt-BR).
/// </summary>
public sealed class DefaultEmailCulture : IEmailCulture
{
    public static IReadOnlyList<string> Supported => Languages.Supported;

    public CultureInfo For(Customer customer, PortalSettings? settings) =>
        Match(customer.Locale) ?? Match(settings?.DefaultLocale) ?? CultureInfo.GetCultureInfo(Languages.English);

    /// <summary>A BCP 47 tag mapped to a supported language, or null when none fits.</summary>
    public static CultureInfo? Match(string? tag) =>
        Languages.Match(tag?.Replace('_', '-')) is { } chosen ? CultureInfo.GetCultureInfo(chosen) : null;
}
