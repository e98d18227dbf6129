using System.Security.Cryptography;
using System.Text;
using Commet.Domain;
using Commet.Domain.Billing;

namespace Commet.Server.Payments;

/// <summary>
/// The built-in sandbox provider: no money moves. Test cards (docs/product.md §3.6):
/// 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; …9995 has insufficient funds; …0069 is
/// expired; …0341 attaches but every later charge fails. Any other number that passes the Luhn check behaves
/// like 4242. It refuses live mode.
/// </summary>
public sealed class SandboxPaymentProvider : IPaymentProvider
{
    public const string Declined = "4000000000000002";
    public const string InsufficientFunds = "4000000000009995";
    public const string Expired = "4000000000000069";
    public const string FailsLater = "4000000000000341";

    // Fingerprints identify the same card across customers without being reversible to the number.
    private static readonly byte[] FingerprintKey = "commet-sandbox-card-fingerprint"u8.ToArray();

    public string Name => "commet";

    public Result<AttachedCard> Attach(CardInput card, bool livemode, DateTime now)
    {
        if (livemode)
        {
            return Error.Invalid("provider_unsupported", "The sandbox payment provider does not accept live-mode payments.");
        }
        var number = new string(card.Number.Where(char.IsAsciiDigit).ToArray());
        if (number.Length is < 12 or > 19 || !LuhnValid(number) || card.Number.Any(c => !char.IsAsciiDigit(c) && c != ' ' && c != '-'))
        {
            return Error.Invalid("invalid_card_number", "The card number is not valid. Check it and try again.", "cardNumber");
        }
        if (card.ExpMonth is < 1 or > 12 || card.ExpYear < 2000 || card.ExpYear > 2100)
        {
            return Error.Invalid("invalid_expiry", "The expiry date is not valid.", "expiry");
        }
        var lastDay = new DateTime(card.ExpYear, card.ExpMonth, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
        if (lastDay <= now || number == Expired)
        {
            return CardError("expired_card", "This card has expired. Use another card.");
        }
        if (number == Declined)
        {
            return CardError("card_declined", "The card was declined. Use another card or contact your bank.");
        }
        if (number == InsufficientFunds)
        {
            return CardError("insufficient_funds", "The card has insufficient funds. Use another card.");
        }
        var fingerprint = Convert.ToHexStringLower(HMACSHA256.HashData(FingerprintKey, Encoding.ASCII.GetBytes(number)))[..32];
        // The reference encodes how this test card behaves later, and nothing of the number beyond the last 4.
        var behaviour = number == FailsLater ? "fail" : "ok";
        return new AttachedCard($"sandbox_{behaviour}_{Ids.New("card")[5..]}", BrandOf(number), number[^4..], card.ExpMonth, card.ExpYear, fingerprint);
    }

    public Task<ChargeOutcome> ChargeAsync(PaymentMethod method, Money amount, string idempotencyKey, bool livemode, DateTime now, CancellationToken ct)
    {
        if (livemode)
        {
            return Task.FromResult(ChargeOutcome.Failure("provider_unsupported", "The sandbox payment provider does not accept live-mode payments."));
        }
        if (method.ProviderReference.StartsWith("sandbox_fail_", StringComparison.Ordinal))
        {
            return Task.FromResult(ChargeOutcome.Failure("card_declined", "The card was declined."));
        }
        var expires = new DateTime(method.ExpYear, method.ExpMonth, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
        if (expires <= now)
        {
            return Task.FromResult(ChargeOutcome.Failure("expired_card", "The card has expired."));
        }
        return Task.FromResult(ChargeOutcome.Success("sandbox_ch_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..24]));
    }

    public Task<bool> RefundAsync(PaymentTransaction transaction, CancellationToken ct) => Task.FromResult(true);

    /// <summary>A card the bank refused: 402, like a failed charge.</summary>
    public static Error CardError(string code, string message) => new(code, message, 402, "card_error", "cardNumber");

    public static bool LuhnValid(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    private static string BrandOf(string number) => number[0] switch
    {
        '4' => "visa",
        '5' => "mastercard",
        '2' when number.StartsWith("22", StringComparison.Ordinal) || number.StartsWith("27", StringComparison.Ordinal) => "mastercard",
        '3' when number.StartsWith("34", StringComparison.Ordinal) || number.StartsWith("37", StringComparison.Ordinal) => "amex",
        '6' => "discover",
        _ => "card",
    };
}
