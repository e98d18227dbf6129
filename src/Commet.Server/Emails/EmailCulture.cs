using System.Globalization;
using Commet.Domain;

namespace Commet.Server.Emails;

/// <summary>Which language an email to a customer is written in.</summary>
public interface IEmailCulture
{
    CultureInfo For(Customer customer, PortalSettings? settings);
}

/// <summary>
/// The customer's <c>locale</c>, else the organization's default language, else English — among the languages the
/// emails are written in. Neither field exists on this branch yet: they are read by name (<c>Customer.Locale</c>,
/// <c>PortalSettings.DefaultLocale</c>/<c>DefaultLanguage</c>) so the choice starts working when they land; the
/// lead replaces the lookups with plain property reads on merge.
/// </summary>
public sealed class DefaultEmailCulture : IEmailCulture
{
    public static readonly string[] Supported = ["en", "es", "pt-BR", "fr", "de"];

    public CultureInfo For(Customer customer, PortalSettings? settings) =>
        Match(Read(customer, "Locale")) ?? Match(Read(settings, "DefaultLocale")) ?? Match(Read(settings, "DefaultLanguage")) ?? CultureInfo.GetCultureInfo("en");

    /// <summary>A BCP 47 tag mapped to a supported language: exact (any case), else by its language part (es-MX → es, pt → pt-BR).</summary>
    public static CultureInfo? Match(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }
        var t = tag.Trim().Replace('_', '-');
        var exact = Supported.FirstOrDefault(s => string.Equals(s, t, StringComparison.OrdinalIgnoreCase));
        var language = t.Split('-')[0];
        var chosen = exact ?? Supported.FirstOrDefault(s => string.Equals(s.Split('-')[0], language, StringComparison.OrdinalIgnoreCase));
        return chosen is null ? null : CultureInfo.GetCultureInfo(chosen);
    }

    private static string? Read(object? owner, string property) =>
        owner?.GetType().GetProperty(property)?.GetValue(owner) as string;
}
