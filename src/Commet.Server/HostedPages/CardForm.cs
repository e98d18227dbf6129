using Commet.Server.Payments;
using Microsoft.Extensions.Primitives;

namespace Commet.Server.HostedPages;

/// <summary>
/// The card form as posted, and what the page shows again after a problem. The card number and CVC are
/// never kept here: they go from the request straight into a <see cref="CardInput"/> for the provider, and
/// a re-rendered form starts them empty.
/// </summary>
public sealed class CardForm
{
    public const string NumberField = "cardNumber";
    public const string ExpiryField = "expiry";
    public const string CvcField = "cvc";
    public const string NameField = "cardName";

    /// <summary>The expiry as typed, kept for a re-rendered form.</summary>
    public string Expiry { get; private set; } = "";

    /// <summary>The name on the card as typed, kept for a re-rendered form (the provider does not take it).</summary>
    public string Name { get; private set; } = "";

    /// <summary>A sentence for the alert at the top of the form.</summary>
    public string? Alert { get; set; }

    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>The field a refusal from the provider points at; the alert explains it, so it has no message of its own.</summary>
    public string? RefusedField { get; private set; }

    /// <summary>Whether <see cref="Alert"/> is the operation's refusal (which says itself what was charged) rather than a form check.</summary>
    public bool IsRefusal { get; private set; }

    public string? ErrorFor(string field) => FieldErrors.GetValueOrDefault(field);

    public bool IsInvalid(string field) => FieldErrors.ContainsKey(field) || RefusedField == field;

    /// <summary>Reads and checks the posted card; null with <see cref="FieldErrors"/> set when something is missing or malformed.</summary>
    public CardInput? Read(IFormCollection form, int currentYear)
    {
        var number = Value(form[NumberField], 40);
        var expiry = Value(form[ExpiryField], 12);
        var cvc = Value(form[CvcField], 8);
        Expiry = expiry;
        Name = Value(form[NameField], 100);

        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        if (number.Length == 0)
        {
            FieldErrors[NumberField] = L["Card.Err.NumberEmpty"];
        }
        else if (number.Any(c => !char.IsAsciiDigit(c) && c != ' ' && c != '-') || digits.Length is < 12 or > 19)
        {
            FieldErrors[NumberField] = L["Card.Err.Number"];
        }

        var (month, year) = ParseExpiry(expiry, currentYear);
        if (expiry.Length == 0)
        {
            FieldErrors[ExpiryField] = L["Card.Err.ExpiryEmpty"];
        }
        else if (month == 0)
        {
            FieldErrors[ExpiryField] = L["Card.Err.Expiry"];
        }

        if (cvc.Length == 0)
        {
            FieldErrors[CvcField] = L["Card.Err.CvcEmpty"];
        }
        else if (cvc.Length is < 3 or > 4 || !cvc.All(char.IsAsciiDigit))
        {
            FieldErrors[CvcField] = L["Card.Err.Cvc"];
        }

        if (FieldErrors.Count > 0)
        {
            Alert = FieldErrors.Count == 1 ? L["Details.Err.One"] : L["Details.Err.Many"];
            return null;
        }
        return new CardInput(digits, month, year, cvc);
    }

    /// <summary>Shows a refusal from the billing operation in the alert, and marks the field it names, if any.</summary>
    public void Refused(string message, string? field)
    {
        Alert = message;
        IsRefusal = true;
        RefusedField = field is NumberField or ExpiryField or CvcField ? field : null;
    }

    /// <summary>MM/YY, MM / YY, MM/YYYY, MMYY or MM-YY; (0, 0) when it is none of those or the month is not 1–12.</summary>
    public static (int Month, int Year) ParseExpiry(string text, int currentYear)
    {
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        string monthPart, yearPart;
        var separator = compact.IndexOfAny(['/', '-', '.']);
        if (separator > 0)
        {
            monthPart = compact[..separator];
            yearPart = compact[(separator + 1)..];
        }
        else if (compact.Length is 4 or 6)
        {
            monthPart = compact[..2];
            yearPart = compact[2..];
        }
        else
        {
            return (0, 0);
        }
        if (monthPart.Length is < 1 or > 2 || yearPart.Length is not (2 or 4)
            || !monthPart.All(char.IsAsciiDigit) || !yearPart.All(char.IsAsciiDigit))
        {
            return (0, 0);
        }
        var month = int.Parse(monthPart, System.Globalization.CultureInfo.InvariantCulture);
        var year = int.Parse(yearPart, System.Globalization.CultureInfo.InvariantCulture);
        if (yearPart.Length == 2)
        {
            year += currentYear / 100 * 100;
        }
        return month is >= 1 and <= 12 ? (month, year) : (0, 0);
    }

    private static string Value(StringValues values, int max)
    {
        var value = values.ToString().Trim();
        return value.Length > max ? value[..max] : value;
    }

    private static Localization.Texts L => Localization.Texts.Shared;
}
