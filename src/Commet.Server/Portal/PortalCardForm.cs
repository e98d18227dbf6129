using System.Globalization;
using Commet.Server.Payments;
using Microsoft.Extensions.Caching.Memory;

namespace Commet.Server.Portal;

/// <summary>
/// The portal's card form as posted. The number and CVC go straight into a <see cref="CardInput"/> for the
/// payment provider and are never kept or shown again; a re-rendered form starts them empty.
/// </summary>
public sealed class PortalCardForm
{
    public string Expiry { get; private set; } = "";

    public string Name { get; private set; } = "";

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public CardInput? Read(IFormCollection form, int currentYear)
    {
        var number = Value(form["cardNumber"], 40);
        Expiry = Value(form["expiry"], 12);
        var cvc = Value(form["cvc"], 8);
        Name = Value(form["cardName"], 100);
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        if (number.Length == 0)
        {
            Errors["cardNumber"] = "Enter your card number.";
        }
        else if (number.Any(c => !char.IsAsciiDigit(c) && c != ' ' && c != '-') || digits.Length is < 12 or > 19)
        {
            Errors["cardNumber"] = "Enter the card number as it appears on your card (12 to 19 digits).";
        }
        var (month, year) = ParseExpiry(Expiry, currentYear);
        if (Expiry.Length == 0)
        {
            Errors["expiry"] = "Enter the expiry date (MM/YY).";
        }
        else if (month == 0)
        {
            Errors["expiry"] = "Enter the expiry date as month and year, for example 04/30.";
        }
        if (cvc.Length == 0)
        {
            Errors["cvc"] = "Enter the security code (CVC).";
        }
        else if (cvc.Length is < 3 or > 4 || !cvc.All(char.IsAsciiDigit))
        {
            Errors["cvc"] = "Enter the 3 or 4 digit security code on your card.";
        }
        return Errors.Count > 0 ? null : new CardInput(digits, month, year, cvc);
    }

    /// <summary>Marks the field a refusal from the provider is about (the full sentence is at the top of the page).</summary>
    public void Refused(string code)
    {
        var (field, note) = code switch
        {
            "card_declined" => ("cardNumber", "This card was declined."),
            "insufficient_funds" => ("cardNumber", "This card has insufficient funds."),
            "invalid_card_number" => ("cardNumber", "Check the card number."),
            "expired_card" => ("expiry", "This card has expired."),
            "invalid_expiry" => ("expiry", "Check the expiry date."),
            _ => ((string?)null, ""),
        };
        if (field is not null)
        {
            Errors[field] = note;
        }
    }

    /// <summary>MM/YY, MM / YY, MM/YYYY, MMYY; (0, 0) when it is none of those.</summary>
    public static (int Month, int Year) ParseExpiry(string text, int currentYear)
    {
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var separator = compact.IndexOfAny(['/', '-', '.']);
        var (m, y) = separator > 0 ? (compact[..separator], compact[(separator + 1)..])
            : compact.Length is 4 or 6 ? (compact[..2], compact[2..]) : ("", "");
        if (m.Length is < 1 or > 2 || y.Length is not (2 or 4) || !m.All(char.IsAsciiDigit) || !y.All(char.IsAsciiDigit))
        {
            return (0, 0);
        }
        var month = int.Parse(m, CultureInfo.InvariantCulture);
        var year = int.Parse(y, CultureInfo.InvariantCulture);
        if (y.Length == 2)
        {
            year += currentYear / 100 * 100;
        }
        return month is >= 1 and <= 12 ? (month, year) : (0, 0);
    }

    private static string Value(Microsoft.Extensions.Primitives.StringValues values, int max)
    {
        var value = values.ToString().Trim();
        return value.Length > max ? value[..max] : value;
    }
}

/// <summary>
/// Refused cards per portal session, so an open session cannot be used to try stolen cards one after another.
/// In memory per node (with N nodes the bound is N × <see cref="Limit"/>, still small).
/// </summary>
public sealed class PortalCardAttempts(IMemoryCache cache)
{
    public const int Limit = 10;

    public bool IsBlocked(string sessionId) => cache.TryGetValue(Key(sessionId), out Counter? c) && c!.Count >= Limit;

    public void Refused(string sessionId)
    {
        var counter = cache.GetOrCreate(Key(sessionId), e =>
        {
            e.AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1);
            e.Size = 1;
            return new Counter();
        })!;
        Interlocked.Increment(ref counter.Count);
    }

    private static string Key(string sessionId) => "portal-card-refusals:" + sessionId;

    private sealed class Counter
    {
        public int Count;
    }
}
