using Commet.Domain;
using Commet.Server.Dashboard;
using Commet.Server.Organizations;
using Commet.Domain.Usage;
using Commet.Server.Usage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// API keys of this organization and mode: listed (never the secret), created (the secret shown once), revoked — with the
/// API's use cases. And the AI model prices: the organization's own (set, changed, removed with the API's
/// <c>PUT</c>/<c>DELETE /ai-model-rates</c>) over the built-in table.
/// </summary>
[Requires(Capability.ApiKeys)]
public sealed class DevelopersModel(CreateApiKey create, RevokeApiKey revoke, TimeProvider clock) : DashboardPageModel
{
    public override string Section => "developers";

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    public string? CreatedSecret { get; private set; }

    /// <summary>The organization's own AI model prices in this mode.</summary>
    public IReadOnlyList<AiModelRate> ModelRates { get; private set; } = [];

    /// <summary>Which form the field errors belong to (<c>rate</c> for the set form), the errors by field and what was typed.</summary>
    public string? FailedForm { get; private set; }

    public IReadOnlyDictionary<string, string> FieldErrors { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string?> Entered { get; private set; } = new Dictionary<string, string?>();

    public string? ErrorFor(string form, string field) => FailedForm == form ? FieldErrors.GetValueOrDefault(field) : null;

    public string? Typed(string field) => Entered.GetValueOrDefault(field);

    /// <summary>A price per million tokens as typed back ("2.5"): fine units (10^-8) over 10^8, exact.</summary>
    public static string PerMillion(long fine) =>
        (fine / (decimal)Commet.Domain.Usage.AiPricing.FinePerUnit).ToString("0.########", System.Globalization.CultureInfo.InvariantCulture);

    private async Task LoadAsync()
    {
        Keys = await Db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(Ct);
        ModelRates = await Db.AiModelRates.AsNoTracking().OrderBy(r => r.Model).ThenBy(r => r.Currency).ToListAsync(Ct);
    }

    /// <summary>
    /// Sets the organization's own price of one model (the API's <c>PUT /ai-model-rates</c>). Prices are typed per
    /// million tokens in the currency ("2.50"); the API takes them on its rate scale (× 10000), which this converts
    /// exactly (decimal, no rounding) before the API's own checks. Cache prices left blank cost the input price.
    /// </summary>
    [Requires(Capability.Catalog)]
    public async Task<IActionResult> OnPostSetRateAsync(string? model, string? currency, string? input, string? output, string? cacheRead, string? cacheWrite)
    {
        var entered = new Dictionary<string, string?>
        {
            ["model"] = model, ["currency"] = currency, ["input"] = input, ["output"] = output, ["cacheRead"] = cacheRead, ["cacheWrite"] = cacheWrite,
        };
        var check = new Http.Check();
        var request = new SetAiModelRateRequest
        {
            Model = model,
            Currency = string.IsNullOrWhiteSpace(currency) ? null : currency,
            InputPerMillion = RateScale(check, "inputPerMillion", input),
            OutputPerMillion = RateScale(check, "outputPerMillion", output),
            CacheReadPerMillion = RateScale(check, "cacheReadPerMillion", cacheRead),
            CacheWritePerMillion = RateScale(check, "cacheWritePerMillion", cacheWrite),
        };
        Commet.Domain.Result<AiModelRate> result = check.Failed ? check.ToError() : await AiModelRateEndpoints.SetAsync(request, Db, Caller, clock, Ct);
        if (!result.IsSuccess)
        {
            return await FailAsync("rate", result.Error!, entered);
        }
        await AuditAsync(AuditActions.AiModelRateSet, $"{result.Value.Model} {result.Value.Currency}");
        return Redirect(Path("developers") + "?rate=" + Uri.EscapeDataString(result.Value.Model) + "#ai-models");
    }

    /// <summary>Removes the organization's own price of a model (the API's <c>DELETE /ai-model-rates</c>): the built-in price applies again.</summary>
    [Requires(Capability.Catalog)]
    public async Task<IActionResult> OnPostRemoveRateAsync(string? model, string? currency)
    {
        var result = await AiModelRateEndpoints.RemoveAsync(model, currency, Db, Ct);
        if (!result.IsSuccess)
        {
            return result.Error!.Status == StatusCodes.Status404NotFound ? NotFound() : await FailAsync("remove", result.Error, new Dictionary<string, string?>());
        }
        await AuditAsync(AuditActions.AiModelRateRemoved, $"{result.Value.Model} {result.Value.Currency}");
        return Redirect(Path("developers") + "?rateRemoved=" + Uri.EscapeDataString(result.Value.Model) + "#ai-models");
    }

    /// <summary>A price per million tokens as typed ("2.50") on the API's rate scale (25000); null when blank.</summary>
    private static decimal? RateScale(Http.Check check, string field, string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }
        var max = Commet.Domain.Usage.AiPricing.MaxRate / Commet.Domain.Usage.AiPricing.FinePerUnit;
        if (!decimal.TryParse(typed.Trim(), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var perMillion)
            || perMillion > max)
        {
            check.Add(field, $"{field} must be an amount per million tokens such as 2.50, at most {max}.");
            return null;
        }
        return perMillion * Commet.Domain.Money.RateScale;
    }

    private async Task<IActionResult> FailAsync(string form, Commet.Domain.Error error, Dictionary<string, string?> entered)
    {
        Db.ChangeTracker.Clear();
        Response.StatusCode = error.Status;
        Problem = DashboardText.Describe(error);
        FailedForm = form;
        FieldErrors = DashboardText.Fields(error);
        Entered = entered;
        await LoadAsync();
        return Page();
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync(string? name, int? expiresInDays)
    {
        var result = await create.HandleAsync(new CreateApiKeyRequest { Name = name, ExpiresInDays = expiresInDays }, Db, Caller, Ct);
        if (!result.IsSuccess)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = DashboardText.Describe(result.Error!);
        }
        else
        {
            CreatedSecret = result.Value.ApiKey;
            await AuditAsync(AuditActions.ApiKeyCreated, $"{result.Value.Id} ({result.Value.Prefix}…)");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? keyId)
    {
        var result = await revoke.HandleAsync(keyId ?? "", Db, Caller, Ct);
        if (!result.IsSuccess)
        {
            return result.Error!.Status == StatusCodes.Status404NotFound ? NotFound() : StatusCode(result.Error.Status);
        }
        await AuditAsync(AuditActions.ApiKeyRevoked, $"{result.Value.Id} ({result.Value.Prefix}…)");
        return Redirect(Path("developers") + "?revoked=" + Uri.EscapeDataString(result.Value.Id));
    }
}
