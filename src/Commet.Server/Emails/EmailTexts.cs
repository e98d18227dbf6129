using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;

namespace Commet.Server.Emails;

/// <summary>
/// The texts of emails (and of the "email me a link" form) from <c>Resources/Emails.resx</c> and its translations
/// (<c>Emails.es.resx</c>, <c>Emails.pt-BR.resx</c>, <c>Emails.fr.resx</c>, <c>Emails.de.resx</c>), through an
/// <see cref="IStringLocalizer"/> bound to that file whatever the application's <c>ResourcesPath</c> is. Adding a
/// language is adding one <c>Emails.xx.resx</c> (and the tag to <see cref="DefaultEmailCulture.Supported"/>).
/// </summary>
public sealed class EmailTexts
{
    public const string BaseName = "Commet.Server.Resources.Emails";

    private readonly ResourceManagerStringLocalizer localizer;

    public EmailTexts(ILoggerFactory loggers)
    {
        var assembly = typeof(EmailTexts).Assembly;
        localizer = new ResourceManagerStringLocalizer(new ResourceManager(BaseName, assembly), assembly, BaseName,
            new ResourceNamesCache(), loggers.CreateLogger<EmailTexts>());
    }

    /// <summary>The text in the current UI culture (set by <see cref="In"/> for an email, by the request for a page).</summary>
    public string this[string key, params object[] args] => args.Length == 0 ? localizer[key].Value : localizer[key, args].Value;

    /// <summary>Sets the culture of the current async flow (texts, dates, numbers) until disposed.</summary>
    public static IDisposable In(CultureInfo culture) => new Scope(culture);

    private sealed class Scope : IDisposable
    {
        private readonly CultureInfo culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo uiCulture = CultureInfo.CurrentUICulture;

        public Scope(CultureInfo target)
        {
            CultureInfo.CurrentCulture = target;
            CultureInfo.CurrentUICulture = target;
        }

        public void Dispose()
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }
}
