using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Usage;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>A model's price as priced: its name, its rates and where they come from.</summary>
public sealed record ResolvedRate(string Model, string Currency, TokenRates Rates, string Source);

/// <summary>
/// The built-in table of common models' prices (<c>Usage/AiModelRates.json</c>, shipped with the server and dated),
/// and the lookup that prefers an organization's own price (<c>PUT /ai-model-rates</c>).
/// </summary>
public static class AiModelCatalog
{
    public const string SourceBuiltIn = "builtin";
    public const string SourceOrganization = "organization";

    private sealed record Table(string AsOf, string Currency, IReadOnlyDictionary<string, TokenRates> Models);

    private static readonly Lazy<Table> Loaded = new(Load);

    /// <summary>The date the built-in prices were taken (ISO date).</summary>
    public static string AsOf => Loaded.Value.AsOf;

    /// <summary>The built-in table's currency (USD).</summary>
    public static string BuiltInCurrency => Loaded.Value.Currency;

    public static IReadOnlyDictionary<string, TokenRates> BuiltIn => Loaded.Value.Models;

    /// <summary>How a model name is matched: trimmed, lower case.</summary>
    public static string Normalize(string model) => model.Trim().ToLowerInvariant();

    /// <summary>The part after the provider: <c>openai/gpt-4o</c> → <c>gpt-4o</c>.</summary>
    public static string Bare(string model) => model[(model.LastIndexOf('/') + 1)..];

    /// <summary>
    /// The price of <paramref name="model"/> in <paramref name="currency"/>: the organization's own (by the exact name,
    /// then by the bare model ID when one price has it), else the built-in table's (same order; built-in prices are in
    /// USD only). Null when neither knows the model.
    /// </summary>
    public static async Task<ResolvedRate?> ResolveAsync(CommetDb db, string model, string currency, CancellationToken ct)
    {
        var name = Normalize(model);
        var bare = Bare(name);
        // An organization keeps a handful of prices: read them all and match here, by the name, then by the bare ID.
        var own = await db.AiModelRates.AsNoTracking().Where(r => r.Currency == currency).ToListAsync(ct);
        var mine = own.FirstOrDefault(r => r.Model == name) ?? Unique(own.Where(r => Bare(r.Model) == bare));
        if (mine is not null)
        {
            return new ResolvedRate(mine.Model, mine.Currency, mine.Rates, SourceOrganization);
        }
        if (currency != BuiltInCurrency)
        {
            return null;
        }
        if (BuiltIn.TryGetValue(name, out var exact))
        {
            return new ResolvedRate(name, currency, exact, SourceBuiltIn);
        }
        var byBare = Unique(BuiltIn.Where(kv => Bare(kv.Key) == bare).Select(kv => (KeyValuePair<string, TokenRates>?)kv));
        return byBare is { } found ? new ResolvedRate(found.Key, currency, found.Value, SourceBuiltIn) : null;
    }

    /// <summary>The one item, or null when there are none or several (a bare ID two providers share is ambiguous).</summary>
    private static T? Unique<T>(IEnumerable<T> items)
    {
        var list = items.Take(2).ToList();
        return list.Count == 1 ? list[0] : default;
    }

    public static Error ModelNotFound(string model, string currency) =>
        Error.NotFound("model", $"No price for model '{CatalogErrors.Short(model)}' in {currency}: set one with PUT /api/v1/ai-model-rates.") with { Code = "model_not_found" };

    private static Table Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Commet.Server.Usage.AiModelRates.json")
            ?? throw new InvalidOperationException("The built-in AI model rates are missing from the assembly.");
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        var models = new Dictionary<string, TokenRates>(StringComparer.Ordinal);
        foreach (var m in root.GetProperty("models").EnumerateArray())
        {
            models[Normalize(m.GetProperty("model").GetString()!)] = new TokenRates(
                Fine(m, "input"), Fine(m, "output"), Fine(m, "cacheRead"), Fine(m, "cacheWrite"));
        }
        return new Table(root.GetProperty("asOf").GetString()!, root.GetProperty("currency").GetString()!, models);
    }

    private static long Fine(JsonElement model, string field) =>
        AiPricing.RateFromUnits(decimal.Parse(model.GetProperty(field).GetString()!, CultureInfo.InvariantCulture))
        ?? throw new InvalidOperationException($"Built-in AI rate {model.GetProperty("model").GetString()}.{field} is finer than 10^-8.");
}

public sealed class SetAiModelRateRequest
{
    public string? Model { get; set; }
    public string? Currency { get; set; }

    /// <summary>Rate scale per million tokens (10000 = 1.00), up to four decimal places.</summary>
    public decimal? InputPerMillion { get; set; }
    public decimal? OutputPerMillion { get; set; }
    public decimal? CacheReadPerMillion { get; set; }
    public decimal? CacheWritePerMillion { get; set; }
}

/// <summary>One model's price on the wire: rate scale (10000 = 1.00) per million tokens.</summary>
public sealed record AiModelRateDto(string Model, string Currency, decimal InputPerMillion, decimal OutputPerMillion,
    decimal CacheReadPerMillion, decimal CacheWritePerMillion, string Source, DateTime? UpdatedAt, bool Livemode)
{
    public string Object => "ai_model_rate";

    public static AiModelRateDto From(string model, string currency, TokenRates r, string source, DateTime? updatedAt, bool livemode) =>
        new(model, currency, AiPricing.RateScaleOf(r.Input), AiPricing.RateScaleOf(r.Output), AiPricing.RateScaleOf(r.CacheRead),
            AiPricing.RateScaleOf(r.CacheWrite), source, updatedAt, livemode);
}

/// <summary>Every price in effect: the organization's own first, then the built-in table (with its date).</summary>
public sealed record AiModelRatesDto(string BuiltInAsOf, IReadOnlyList<AiModelRateDto> Data, bool Livemode)
{
    public string Object => "list";
}

/// <summary><c>GET/PUT/DELETE /api/v1/ai-model-rates</c>: an organization's own prices per AI model (our addition).</summary>
public static class AiModelRateEndpoints
{
    public static async Task<Result<AiModelRate>> SetAsync(SetAiModelRateRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().Required("model", r.Model, 200);
        var currency = (r.Currency ?? "USD").Trim().ToUpperInvariant();
        check.That(Currency.IsKnown(currency), "currency", "Unknown currency: use an ISO 4217 code such as USD.");
        var input = Rate(check, "inputPerMillion", r.InputPerMillion, required: true);
        var output = Rate(check, "outputPerMillion", r.OutputPerMillion, required: true);
        // Cache reads and writes cost the input price unless said otherwise (as most providers bill them when they
        // have no cache price of their own).
        var cacheRead = Rate(check, "cacheReadPerMillion", r.CacheReadPerMillion, required: false) ?? input;
        var cacheWrite = Rate(check, "cacheWritePerMillion", r.CacheWritePerMillion, required: false) ?? input;
        if (check.Failed)
        {
            return check.ToError();
        }
        var model = AiModelCatalog.Normalize(r.Model!);
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await db.AiModelRates.FirstOrDefaultAsync(x => x.Model == model && x.Currency == currency, ct);
        if (row is null)
        {
            row = new AiModelRate { Id = Ids.New("amr"), OrganizationId = caller.OrganizationId, Livemode = caller.Livemode, Model = model, Currency = currency };
            db.AiModelRates.Add(row);
        }
        (row.InputRate, row.OutputRate, row.CacheReadRate, row.CacheWriteRate, row.UpdatedAt) = (input!.Value, output!.Value, cacheRead!.Value, cacheWrite!.Value, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Conflict("duplicate", $"The price of '{model}' in {currency} was set at the same moment; send it again.", "model");
        }
        return row;
    }

    public static async Task<Result<AiModelRate>> RemoveAsync(string? model, string? currency, CommetDb db, CancellationToken ct)
    {
        var code = (currency ?? "USD").Trim().ToUpperInvariant();
        var check = new Check().Required("model", model, 200).That(Currency.IsKnown(code), "currency", "Unknown currency.");
        if (check.Failed)
        {
            return check.ToError();
        }
        var name = AiModelCatalog.Normalize(model!);
        var row = await db.AiModelRates.FirstOrDefaultAsync(x => x.Model == name && x.Currency == code, ct);
        if (row is null)
        {
            return AiModelCatalog.ModelNotFound(model ?? "", code);
        }
        db.AiModelRates.Remove(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    private static long? Rate(Check check, string field, decimal? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                check.Add(field, $"{field} is required (rate scale per million tokens: 10000 = 1.00).");
            }
            return null;
        }
        var fine = AiPricing.RateFromRateScale(value.Value);
        if (fine is null)
        {
            check.Add(field, $"{field} must be between 0 and {AiPricing.MaxRate / AiPricing.FinePerRate} (rate scale per million tokens, at most 4 decimal places).");
        }
        return fine;
    }

    public static void MapAiModelRates(this IEndpointRouteBuilder api)
    {
        var rates = api.MapGroup("/ai-model-rates").WithTags("AI model rates");

        rates.MapGet("/", async (CommetDb db, ApiCaller caller, CancellationToken ct) =>
        {
            var own = await db.AiModelRates.AsNoTracking().OrderBy(x => x.Model).ThenBy(x => x.Currency).ToListAsync(ct);
            var list = own.Select(o => AiModelRateDto.From(o.Model, o.Currency, o.Rates, AiModelCatalog.SourceOrganization, o.UpdatedAt, caller.Livemode))
                .Concat(AiModelCatalog.BuiltIn.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .Where(kv => !own.Any(o => o.Model == kv.Key && o.Currency == AiModelCatalog.BuiltInCurrency))
                    .Select(kv => AiModelRateDto.From(kv.Key, AiModelCatalog.BuiltInCurrency, kv.Value, AiModelCatalog.SourceBuiltIn, null, caller.Livemode)))
                .ToList();
            return Answer.Ok(new AiModelRatesDto(AiModelCatalog.AsOf, list, caller.Livemode));
        })
        .WithSummary("Every AI model price in effect: the organization's own, then the built-in table (rate scale per million tokens).");

        rates.MapPut("/", async (Json<SetAiModelRateRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await SetAsync(body.Value, db, caller, clock, ct), row =>
                Answer.Ok(AiModelRateDto.From(row.Model, row.Currency, row.Rates, AiModelCatalog.SourceOrganization, row.UpdatedAt, caller.Livemode))))
        .WithSummary("Set the organization's own price of one AI model (replaces the built-in price; our addition).");

        rates.MapDelete("/", async (string? model, string? currency, CommetDb db, ApiCaller caller, CancellationToken ct) =>
            Answer.From(await RemoveAsync(model, currency, db, ct), r =>
                Answer.Ok(AiModelRateDto.From(r.Model, r.Currency, r.Rates, AiModelCatalog.SourceOrganization, r.UpdatedAt, caller.Livemode))))
        .WithSummary("Remove the organization's own price of a model (?model=&currency=): the built-in price applies again.");
    }
}
