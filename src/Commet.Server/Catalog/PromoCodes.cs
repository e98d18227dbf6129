using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

public sealed class CreatePromoCodeRequest
{
    public string? Code { get; set; }
    public string? DiscountType { get; set; }
    public long? DiscountValue { get; set; }
    public int? DurationCycles { get; set; }
    public string? BillingInterval { get; set; }
    public int? MaxRedemptions { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public List<string>? PlanIds { get; set; }
}

/// <summary>Fields left out stay as they are; <c>billingInterval</c>, <c>maxRedemptions</c> and <c>expiresAt</c> sent as null are cleared.</summary>
public sealed class UpdatePromoCodeRequest
{
    private string? billingInterval;
    private int? maxRedemptions;
    private DateTime? expiresAt;

    public string? BillingInterval
    {
        get => billingInterval;
        set { billingInterval = value; HasBillingInterval = true; }
    }

    public int? MaxRedemptions
    {
        get => maxRedemptions;
        set { maxRedemptions = value; HasMaxRedemptions = true; }
    }

    public DateTime? ExpiresAt
    {
        get => expiresAt;
        set { expiresAt = value; HasExpiresAt = true; }
    }

    /// <summary>The SDK sends <c>active</c>; <c>isActive</c> (the field it reads back) is accepted too.</summary>
    public bool? Active { get; set; }
    public bool? IsActive { get; set; }
    public List<string>? PlanIds { get; set; }

    [JsonIgnore] public bool HasBillingInterval { get; private set; }
    [JsonIgnore] public bool HasMaxRedemptions { get; private set; }
    [JsonIgnore] public bool HasExpiresAt { get; private set; }
}

/// <summary>The SDK's <c>PromoCode</c>, plus <c>planIds</c> (the plans it is limited to; empty: every plan).</summary>
public sealed record PromoCodeDto(string Id, string Code, string DiscountType, long DiscountValue, int? DurationCycles, string? BillingInterval,
    int? MaxRedemptions, DateTime? ExpiresAt, bool IsActive, int RedemptionCount, IReadOnlyList<string> PlanIds, DateTime CreatedAt, DateTime UpdatedAt, bool Livemode)
{
    public string Object => "promo_code";

    public static PromoCodeDto From(PromoCode p) => new(p.Id, p.Code, p.DiscountType, p.DiscountValue, p.DurationCycles, p.BillingInterval,
        p.MaxRedemptions, p.ExpiresAt, p.IsActive, p.RedemptionCount, p.PlanIdList, p.CreatedAt, p.UpdatedAt, p.Livemode);
}

/// <summary>
/// Promo codes (<c>/promo-codes</c>): list, get, create, update. Codes are stored upper case and matched without
/// regard to case. A code is never deleted (redemptions point at it); it is deactivated.
/// </summary>
public static partial class PromoCodes
{
    public const int MaxCodeLength = 50;
    public const int MaxDurationCycles = 120;
    public const int MaxRedemptionLimit = 10_000_000;

    [GeneratedRegex("^[A-Z0-9-]+$")]
    private static partial Regex CodePattern();

    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    public static async Task<Result<PromoCode>> CreateAsync(CreatePromoCodeRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var code = r.Code is null ? null : Normalize(r.Code);
        var check = new Check().Required("code", code, MaxCodeLength)
            .That(code is null or "" || CodePattern().IsMatch(code), "code", "code may contain only letters, digits and hyphens.")
            .OneOf("discountType", r.DiscountType, DiscountTypes.All, required: true)
            .That(r.DiscountValue is not null, "discountValue", "discountValue is required: basis points for a percentage, minor units for an amount.");
        CheckDiscountValue(check, r.DiscountType, r.DiscountValue);
        check.Range("durationCycles", r.DurationCycles, 1, MaxDurationCycles);
        CheckLimits(check, r.BillingInterval, r.MaxRedemptions, r.ExpiresAt, now);
        if (check.Failed)
        {
            return check.ToError();
        }
        var plans = await PlanIdsAsync(db, r.PlanIds, ct);
        if (!plans.IsSuccess)
        {
            return plans.Error;
        }
        if (await db.PromoCodes.AnyAsync(p => p.Code == code, ct))
        {
            return Duplicate(code!);
        }
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == caller.OrganizationId, ct);
        var promo = new PromoCode
        {
            Id = Ids.New(Ids.PromoCode, clock),
            OrganizationId = caller.OrganizationId,
            Livemode = caller.Livemode,
            Code = code!,
            DiscountType = r.DiscountType!,
            DiscountValue = r.DiscountValue!.Value,
            Currency = organization.Currency,
            DurationCycles = r.DurationCycles,
            BillingInterval = r.BillingInterval,
            MaxRedemptions = r.MaxRedemptions,
            ExpiresAt = r.ExpiresAt?.ToUniversalTime(),
            IsActive = true,
            PlanIds = plans.Value,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.PromoCodes.Add(promo);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Duplicate(promo.Code);
        }
        return promo;
    }

    public static async Task<Result<PromoCode>> UpdateAsync(string id, UpdatePromoCodeRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var check = new Check();
        CheckLimits(check, r.BillingInterval, r.MaxRedemptions, r.HasExpiresAt ? r.ExpiresAt : null, now);
        if (check.Failed)
        {
            return check.ToError();
        }
        var promo = await FindAsync(db, id, ct, track: true);
        if (promo is null)
        {
            return NotFound(id);
        }
        if (r.HasMaxRedemptions && r.MaxRedemptions is { } max && max < promo.RedemptionCount)
        {
            return Error.Validation("maxRedemptions", $"maxRedemptions cannot be below the {promo.RedemptionCount} redemptions already made.");
        }
        if (r.PlanIds is not null)
        {
            var plans = await PlanIdsAsync(db, r.PlanIds, ct);
            if (!plans.IsSuccess)
            {
                return plans.Error;
            }
            promo.PlanIds = plans.Value;
        }
        if (r.HasBillingInterval)
        {
            promo.BillingInterval = r.BillingInterval;
        }
        if (r.HasMaxRedemptions)
        {
            promo.MaxRedemptions = r.MaxRedemptions;
        }
        if (r.HasExpiresAt)
        {
            promo.ExpiresAt = r.ExpiresAt?.ToUniversalTime();
        }
        promo.IsActive = r.Active ?? r.IsActive ?? promo.IsActive;
        promo.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return promo;
    }

    /// <summary>By ID, or by the code itself (any case).</summary>
    public static async Task<PromoCode?> FindAsync(CommetDb db, string idOrCode, CancellationToken ct, bool track = false)
    {
        var query = track ? db.PromoCodes : db.PromoCodes.AsNoTracking();
        var code = Normalize(idOrCode);
        return await query.FirstOrDefaultAsync(p => p.Id == idOrCode, ct) ?? await query.FirstOrDefaultAsync(p => p.Code == code, ct);
    }

    public static Error NotFound(string id) => PromoCodeErrors.NotFound(id) with { Param = null };

    private static void CheckDiscountValue(Check check, string? type, long? value)
    {
        if (type == DiscountTypes.Percentage)
        {
            // The SDK: 100 % codes are not supported (an intro offer waives a price); 1 basis point to 99.99 %.
            check.Range("discountValue", value, 1, 9_999);
        }
        else if (type == DiscountTypes.Amount)
        {
            check.Range("discountValue", value, 1, CatalogRules.MaxPrice);
        }
    }

    private static void CheckLimits(Check check, string? interval, int? maxRedemptions, DateTime? expiresAt, DateTime now)
    {
        check.OneOf("billingInterval", interval, BillingIntervals.All, required: false)
            .Range("maxRedemptions", maxRedemptions, 1, MaxRedemptionLimit)
            .That(expiresAt is null || expiresAt.Value.ToUniversalTime() > now, "expiresAt", "expiresAt must be in the future.");
    }

    /// <summary>The plans a code is limited to, as stored (comma-separated IDs; null for every plan); unknown plans are a 422.</summary>
    private static async Task<Result<string?>> PlanIdsAsync(CommetDb db, List<string>? planIds, CancellationToken ct)
    {
        if (planIds is null || planIds.Count == 0)
        {
            return (string?)null;
        }
        if (planIds.Count > 100 || planIds.Any(p => string.IsNullOrWhiteSpace(p) || p.Length > 100))
        {
            return Error.Validation("planIds", "planIds must be at most 100 plan IDs.");
        }
        var wanted = planIds.Distinct().ToList();
        var found = await db.Plans.AsNoTracking().Where(p => (wanted.Contains(p.Id) || wanted.Contains(p.Code!)) && p.DeletedAt == null)
            .Select(p => new { p.Id, p.Code }).ToListAsync(ct);
        var missing = wanted.Where(w => !found.Any(f => f.Id == w || f.Code == w)).ToList();
        if (missing.Count > 0)
        {
            return Error.Validation("planIds", $"No plan with ID or code '{missing[0]}'.");
        }
        return string.Join(",", found.Select(f => f.Id).Distinct().Order(StringComparer.Ordinal));
    }

    private static Error Duplicate(string code) => Error.Conflict("duplicate", $"A promo code '{code}' already exists.", "code");

    /// <summary>
    /// Redeems <paramref name="code"/> for subscription <paramref name="s"/> (inside the caller's transaction) and puts its
    /// discount on it. Refused, in this order: unknown, inactive, expired, used up, another plan, another interval, another
    /// currency, a discount already in force, already used by this customer. The count is raised by one conditional
    /// UPDATE, so concurrent redemptions never pass <c>maxRedemptions</c>.
    /// </summary>
    public static async Task<Result<PromoCode>> RedeemAsync(BillingScope scope, Subscription s, string code, string planId, string? interval, CancellationToken ct)
    {
        var db = scope.Db;
        var promo = await FindByCodeAsync(db, code, ct);
        if (promo is null)
        {
            return PromoCodeErrors.NotFound(code);
        }
        if (interval is null)
        {
            return new Error("promo_code_plan_not_eligible", "A promo code cannot be used on a free plan.", 400, "invalid_request_error", "promoCode");
        }
        if (promo.Refusal(planId, interval, s.Currency, scope.Now) is { } refused)
        {
            return refused;
        }
        if (s.DiscountType is not null)
        {
            return PromoCodeErrors.DiscountActive(s.DiscountName ?? "");
        }
        if (await db.PromoRedemptions.AnyAsync(x => x.PromoCodeId == promo.Id && x.CustomerId == s.CustomerId, ct))
        {
            return PromoCodeErrors.AlreadyRedeemed(promo.Code);
        }
        var counted = await db.PromoCodes
            .Where(p => p.Id == promo.Id && (p.MaxRedemptions == null || p.RedemptionCount < p.MaxRedemptions))
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.RedemptionCount, p => p.RedemptionCount + 1), ct);
        if (counted == 0)
        {
            return PromoCodeErrors.Exhausted(promo.Code);
        }
        db.PromoRedemptions.Add(new PromoRedemption { PromoCodeId = promo.Id, CustomerId = s.CustomerId, SubscriptionId = s.Id, RedeemedAt = scope.Now });
        SubscriptionDiscounts.Start(s, promo, scope.Now);
        return promo;
    }

    /// <summary>The terms a code would give <paramref name="s"/> moving to <paramref name="planId"/> (for a preview: nothing is redeemed).</summary>
    public static Task<Result<PromoCode>> QuoteAsync(BillingScope scope, Subscription s, string code, string planId, string? interval, CancellationToken ct) =>
        QuoteAsync(scope, s.CustomerId, s.Currency, s.DiscountType is null ? null : s.DiscountName ?? "", code, planId, interval, ct);

    /// <summary>
    /// The terms a code would give customer <paramref name="customerId"/> on <paramref name="planId"/> billed in
    /// <paramref name="currency"/>, with the same checks in the same order as <see cref="RedeemAsync"/> (for a preview:
    /// nothing is redeemed). <paramref name="discountInForce"/>: the name of a discount the subscription keeps (null when
    /// none, as for a subscription being started or restarted).
    /// </summary>
    public static async Task<Result<PromoCode>> QuoteAsync(BillingScope scope, string customerId, string currency, string? discountInForce, string code,
        string planId, string? interval, CancellationToken ct)
    {
        var promo = await FindByCodeAsync(scope.Db, code, ct);
        if (promo is null)
        {
            return PromoCodeErrors.NotFound(code);
        }
        if (interval is null)
        {
            return new Error("promo_code_plan_not_eligible", "A promo code cannot be used on a free plan.", 400, "invalid_request_error", "promoCode");
        }
        if (promo.Refusal(planId, interval, currency, scope.Now) is { } refused)
        {
            return refused;
        }
        if (discountInForce is not null)
        {
            return PromoCodeErrors.DiscountActive(discountInForce);
        }
        if (await scope.Db.PromoRedemptions.AnyAsync(x => x.PromoCodeId == promo.Id && x.CustomerId == customerId, ct))
        {
            return PromoCodeErrors.AlreadyRedeemed(promo.Code);
        }
        return promo;
    }

    private static Task<PromoCode?> FindByCodeAsync(CommetDb db, string code, CancellationToken ct)
    {
        var normalized = Normalize(code);
        return db.PromoCodes.AsNoTracking().FirstOrDefaultAsync(p => p.Code == normalized, ct);
    }

    public static void MapPromoCodes(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/promo-codes").WithTags("Promo codes");

        group.MapGet("/", async Task<Results<ApiPage<PromoCodeDto>, ApiInvalid>> (string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var result = await db.PromoCodes.AsNoTracking().ToPageAsync(page.Value, ct);
            return Answer.Page(result.Map(PromoCodeDto.From));
        })
        .WithSummary("List promo codes, newest first, with cursor pagination.");

        group.MapGet("/{id}", async Task<Results<ApiOk<PromoCodeDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
            await FindAsync(db, id, ct) is { } promo ? Answer.Ok(PromoCodeDto.From(promo)) : Answer.NotFound(NotFound(id)))
        .WithSummary("Get a promo code by ID (or by its code).");

        group.MapPost("/", async (Json<CreatePromoCodeRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await CreateAsync(body.Value, db, caller, clock, ct), p => Answer.Created(PromoCodeDto.From(p))))
        .WithSummary("Create a promo code: percentage (basis points) or amount (minor units), once, for N periods or forever.");

        group.MapPut("/{id}", async (string id, Json<UpdatePromoCodeRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(id, body.Value, db, clock, ct), p => Answer.Ok(PromoCodeDto.From(p))))
        .WithSummary("Update a promo code's interval, redemption limit, expiry, active flag or plans.");

        group.MapPatch("/{id}", async (string id, Json<UpdatePromoCodeRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(id, body.Value, db, clock, ct), p => Answer.Ok(PromoCodeDto.From(p))))
        .ExcludeFromDescription();
    }
}
