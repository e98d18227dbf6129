namespace Commet.Domain;

/// <summary>
/// A plan price in another currency: the price of one period in that currency's minor units and, on balance plans,
/// the monthly included balance in rate scale (10000 = 1.00 of that currency). <c>AutoSynced</c>: derived from the
/// plan's exchange rate (and derived again when the default price changes) rather than set by hand.
/// </summary>
public sealed record RegionalPrice(string Currency, long Price, long? IncludedBalance, bool AutoSynced);

/// <summary>A plan feature's overage (or per-use) unit price in another currency, in rate scale.</summary>
public sealed record RegionalOverage(string Currency, long OverageUnitPrice, bool AutoSynced);

/// <summary>How many units of <c>Currency</c> one unit of the plan's default currency (USD) is worth, for this plan.</summary>
public sealed record ExchangeRate(string Currency, decimal Rate);

/// <summary>
/// Regional prices: a plan is priced in USD (its default) and may also be priced in other currencies. A subscription's
/// currency is fixed at checkout; every amount billed to it is then read in that currency through the methods here.
/// </summary>
public static class RegionalPricing
{
    /// <summary>The currency of a plan's own prices, and of every subscription that no regional price serves.</summary>
    public const string BaseCurrency = "USD";

    /// <summary>The currencies a plan may be priced in besides USD (the SDK's list).</summary>
    public static readonly string[] Currencies =
        ["ARS", "BRL", "CLP", "COP", "PEN", "UYU", "PYG", "BOB", "MXN", "CAD", "EUR", "JPY", "CNY", "KRW", "HKD", "SGD", "TWD", "INR", "THB"];

    /// <summary>
    /// Largest exchange rate accepted: far above any real one (the Paraguayan guaraní is about 7,500 to the dollar), and
    /// small enough that the largest price or allowance times it stays well inside a 64-bit amount.
    /// </summary>
    public const decimal MaxExchangeRate = 100_000m;

    private static readonly string[] Eurozone =
        ["AT", "BE", "HR", "CY", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PT", "SK", "SI", "ES"];

    private static readonly Dictionary<string, string> ByCountry = BuildCountries();

    private static Dictionary<string, string> BuildCountries()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["AR"] = "ARS", ["BR"] = "BRL", ["CL"] = "CLP", ["CO"] = "COP", ["PE"] = "PEN", ["UY"] = "UYU", ["PY"] = "PYG",
            ["BO"] = "BOB", ["MX"] = "MXN", ["CA"] = "CAD", ["JP"] = "JPY", ["CN"] = "CNY", ["KR"] = "KRW", ["HK"] = "HKD",
            ["SG"] = "SGD", ["TW"] = "TWD", ["IN"] = "INR", ["TH"] = "THB", ["US"] = "USD",
        };
        foreach (var country in Eurozone)
        {
            map[country] = "EUR";
        }
        return map;
    }

    /// <summary>The local currency of a billing country (ISO 3166-1 alpha-2), or null when it has none of the regional ones.</summary>
    public static string? CurrencyOfCountry(string? country) =>
        country is not null && ByCountry.TryGetValue(country.Trim(), out var currency) ? currency : null;

    /// <summary>
    /// The currency a checkout of <paramref name="price"/> fixes for a customer billed in <paramref name="country"/>: the
    /// country's own currency when the price is sold in it, else USD.
    /// </summary>
    public static string CheckoutCurrency(PlanPrice price, string? country) =>
        CurrencyOfCountry(country) is { } local && !IsBase(local) && price.PriceIn(local) is not null ? local : BaseCurrency;

    /// <summary>
    /// The currency a free plan's start fixes for a customer billed in <paramref name="country"/>: the country's own currency
    /// when the merchant sells the free plan in it (an exchange rate for it on the plan, set with <c>PUT /plans/{id}/regional</c>:
    /// a free plan has no price to carry one), else USD. An upgrade then pays the paid plan's price in that currency.
    /// </summary>
    public static string FreeStartCurrency(Plan plan, string? country) =>
        CurrencyOfCountry(country) is { } local && !IsBase(local) && RateOf(plan, local) is not null ? local : BaseCurrency;

    public static bool IsBase(string currency) => string.Equals(currency, BaseCurrency, StringComparison.OrdinalIgnoreCase);

    /// <summary>The price of one period in <paramref name="currency"/>, minor units; null when the price has none in it.</summary>
    public static long? PriceIn(this PlanPrice price, string currency) =>
        IsBase(currency) ? price.Price : price.RegionalPrices.FirstOrDefault(r => Same(r.Currency, currency))?.Price;

    /// <summary>The monthly included balance in <paramref name="currency"/> (rate scale); null when there is none.</summary>
    public static long? IncludedBalanceIn(this PlanPrice price, string currency) =>
        IsBase(currency) ? price.IncludedBalance : price.RegionalPrices.FirstOrDefault(r => Same(r.Currency, currency))?.IncludedBalance;

    /// <summary>The overage (or per-use) unit price in <paramref name="currency"/> (rate scale); null when it has none in it.</summary>
    public static long? OverageIn(this PlanFeature feature, string currency) =>
        IsBase(currency) ? feature.OverageUnitPrice : feature.RegionalPrices.FirstOrDefault(r => Same(r.Currency, currency))?.OverageUnitPrice;

    /// <summary>
    /// The overage unit price billed in <paramref name="currency"/>. A feature left without a price in the currency is not
    /// billed: checkout and plan changes refuse a plan that cannot price its features in the subscription's currency
    /// (<see cref="Missing"/>), so this only happens to a feature priced after the fact on a plan without an exchange rate.
    /// </summary>
    public static long BilledOverage(this PlanFeature feature, string currency) => feature.OverageIn(currency) ?? 0;

    /// <summary>
    /// A copy of <paramref name="price"/> with its amounts in <paramref name="currency"/> (detached: never saved), so that
    /// code reading <c>Price</c> and <c>IncludedBalance</c> bills in that currency; null when the price has none in it.
    /// </summary>
    public static PlanPrice? In(this PlanPrice price, string currency)
    {
        if (IsBase(currency))
        {
            return price;
        }
        var regional = price.RegionalPrices.FirstOrDefault(r => Same(r.Currency, currency));
        if (regional is null)
        {
            return null;
        }
        return new PlanPrice
        {
            Id = price.Id,
            PlanId = price.PlanId,
            BillingInterval = price.BillingInterval,
            Price = regional.Price,
            IsDefault = price.IsDefault,
            TrialDays = price.TrialDays,
            IncludedBalance = regional.IncludedBalance,
            IncludedCredits = price.IncludedCredits,
            IntroOfferEnabled = price.IntroOfferEnabled,
            IntroOfferDiscountType = price.IntroOfferDiscountType,
            IntroOfferDiscountValue = price.IntroOfferDiscountValue,
            IntroOfferDurationCycles = price.IntroOfferDurationCycles,
            CreatedAt = price.CreatedAt,
            UpdatedAt = price.UpdatedAt,
            RegionalPrices = price.RegionalPrices,
        };
    }

    /// <summary>
    /// For display only, on a plan read without tracking (never saved): puts the amounts in <paramref name="currency"/> in
    /// place of the USD ones, dropping the prices not sold in it. False (and nothing changed) when no price is sold in it.
    /// </summary>
    public static bool ShowIn(Plan detached, string currency)
    {
        if (IsBase(currency))
        {
            return true;
        }
        var sold = detached.Prices.Where(p => p.PriceIn(currency) is not null).ToList();
        if (sold.Count == 0)
        {
            return false;
        }
        foreach (var price in sold)
        {
            price.IncludedBalance = price.IncludedBalanceIn(currency);
            price.Price = price.PriceIn(currency)!.Value;
        }
        detached.Prices = sold;
        foreach (var feature in detached.Features)
        {
            feature.OverageUnitPrice = feature.BilledOverage(currency);
        }
        return true;
    }

    /// <summary>Features whose use is charged in money: these need a price in every currency the plan is sold in.</summary>
    public static bool IsPriced(this PlanFeature feature) => feature.OverageUnitPrice > 0;

    /// <summary>
    /// Why <paramref name="plan"/>'s <paramref name="price"/> cannot bill in <paramref name="currency"/>, or null when it can:
    /// the price itself, or a priced feature, has no amount in that currency.
    /// </summary>
    public static string? Missing(Plan plan, PlanPrice price, string currency)
    {
        if (IsBase(currency))
        {
            return null;
        }
        if (price.PriceIn(currency) is null)
        {
            return $"{plan.Name} has no {currency.ToUpperInvariant()} price for the {price.BillingInterval} interval.";
        }
        var unpriced = plan.Features.Where(f => f.IsPriced() && f.OverageIn(currency) is null)
            .Select(f => f.Feature?.Code ?? f.FeatureId).ToList();
        return unpriced.Count == 0 ? null
            : $"{plan.Name} has no {currency.ToUpperInvariant()} price for {string.Join(", ", unpriced)}; set it with PUT /plans/{{id}}/regional.";
    }

    /// <summary>The plan's exchange rate for <paramref name="currency"/>, if one was set.</summary>
    public static decimal? RateOf(Plan plan, string currency) => plan.ExchangeRates.FirstOrDefault(r => Same(r.Currency, currency))?.Rate;

    /// <summary>
    /// A USD price in minor units converted at <paramref name="rate"/> into <paramref name="currency"/>'s minor units, rounded
    /// half away from zero once: 1900 (US$19.00) at 5.25 into BRL is 9975 (R$99.75); at 150 into JPY, 2850 (¥2,850).
    /// </summary>
    public static long ConvertMinor(long usdMinor, decimal rate, string currency)
    {
        var digits = Currency.Of(currency).Digits;
        var exact = usdMinor * rate * Pow10(digits) / 100m;
        return checked((long)Math.Round(exact, 0, MidpointRounding.AwayFromZero));
    }

    /// <summary>A rate-scale amount (10000 = 1.00) converted at <paramref name="rate"/>: the scale is per major unit in every currency.</summary>
    public static long ConvertRate(long usdRate, decimal rate) =>
        checked((long)Math.Round(usdRate * rate, 0, MidpointRounding.AwayFromZero));

    /// <summary>
    /// The rate at which amounts with no regional price of their own (add-ons, credit packs) are converted for this plan: its
    /// exchange rate for the currency, else the rate its price in that currency implies (R$99.75 for US$19.00 implies 5.25);
    /// 1 for USD; null when the plan is not sold in the currency.
    /// </summary>
    public static decimal? RateFor(Plan plan, string? priceId, string currency)
    {
        if (IsBase(currency))
        {
            return 1m;
        }
        if (RateOf(plan, currency) is { } rate)
        {
            return rate;
        }
        var prices = plan.Prices.OrderBy(p => p.Id == priceId ? 0 : 1).ThenBy(p => p.Id, StringComparer.Ordinal);
        foreach (var price in prices)
        {
            if (price.Price > 0 && price.PriceIn(currency) is { } local)
            {
                // local / 10^digits major units for price / 100 major units.
                return local * 100m / (price.Price * Pow10(Currency.Of(currency).Digits));
            }
        }
        return null;
    }

    /// <summary>A USD amount in minor units in <paramref name="currency"/> at the plan's rate (<see cref="RateFor"/>); null when there is none.</summary>
    public static long? Convert(long usdMinor, Plan? plan, string? priceId, string currency) =>
        IsBase(currency) ? usdMinor
        : plan is not null && RateFor(plan, priceId, currency) is { } rate ? ConvertMinor(usdMinor, rate, currency)
        : null;

    /// <summary>
    /// Derives, for every currency the plan has an exchange rate for, the amounts of <paramref name="price"/> that were not
    /// set by hand (auto-synced or absent), from its default amounts. Called when a price is added or changed.
    /// </summary>
    public static void SyncPrice(Plan plan, PlanPrice price)
    {
        foreach (var rate in plan.ExchangeRates)
        {
            var existing = price.RegionalPrices.FirstOrDefault(r => Same(r.Currency, rate.Currency));
            if (existing is { AutoSynced: false })
            {
                continue;
            }
            SetRegional(price, Derive(price, rate));
        }
    }

    /// <summary>Same as <see cref="SyncPrice"/> for a feature's overage price.</summary>
    public static void SyncFeature(Plan plan, PlanFeature feature)
    {
        foreach (var rate in plan.ExchangeRates)
        {
            var existing = feature.RegionalPrices.FirstOrDefault(r => Same(r.Currency, rate.Currency));
            if (existing is { AutoSynced: false })
            {
                continue;
            }
            SetRegional(feature, new RegionalOverage(rate.Currency, ConvertRate(feature.OverageUnitPrice, rate.Rate), true));
        }
    }

    public static RegionalPrice Derive(PlanPrice price, ExchangeRate rate) =>
        new(rate.Currency, ConvertMinor(price.Price, rate.Rate, rate.Currency),
            price.IncludedBalance is { } balance ? ConvertRate(balance, rate.Rate) : null, true);

    /// <summary>Adds or replaces the price's amounts in one currency (the list is replaced, so the change is seen and saved).</summary>
    public static void SetRegional(PlanPrice price, RegionalPrice regional) =>
        price.RegionalPrices = [.. price.RegionalPrices.Where(r => !Same(r.Currency, regional.Currency)), regional];

    public static void SetRegional(PlanFeature feature, RegionalOverage regional) =>
        feature.RegionalPrices = [.. feature.RegionalPrices.Where(r => !Same(r.Currency, regional.Currency)), regional];

    public static void SetRate(Plan plan, ExchangeRate rate) =>
        plan.ExchangeRates = [.. plan.ExchangeRates.Where(r => !Same(r.Currency, rate.Currency)), rate];

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static decimal Pow10(int digits) => digits switch { 0 => 1m, 1 => 10m, 2 => 100m, _ => 1000m };
}
