using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Usage;

public sealed class UsagePropertyInput
{
    public string? Property { get; set; }
    public JsonElement Value { get; set; }
}

public sealed class TrackRequest
{
    public string? Feature { get; set; }
    public string? CustomerId { get; set; }
    public decimal? Value { get; set; }
    public string? IdempotencyKey { get; set; }
    public DateTime? Timestamp { get; set; }
    public List<UsagePropertyInput>? Properties { get; set; }
    /// <summary>AI model calls (a feature with <c>ai_model</c> pricing): the model and its token counts, instead of <c>value</c>.</summary>
    public string? Model { get; set; }
    public long? InputTokens { get; set; }
    public long? OutputTokens { get; set; }
    public long? CacheReadTokens { get; set; }
    public long? CacheWriteTokens { get; set; }

    internal TokenCounts Tokens => new(InputTokens ?? 0, OutputTokens ?? 0, CacheReadTokens ?? 0, CacheWriteTokens ?? 0);
}

/// <summary>What a tracked event did: the event, and whether it was a repeat of an earlier idempotency key.</summary>
public sealed record Tracked(UsageEvent Event, bool Duplicate);

/// <summary>
/// State shared by the events of one transaction (one event, or a batch): each subscription is locked once,
/// and its counters and accounts are loaded once.
/// </summary>
internal sealed class TrackSession(BillingScope scope)
{
    /// <summary>The scope of the event being applied (a group commit sets each event's own billing time in turn).</summary>
    public BillingScope Scope { get; set; } = scope;
    public Dictionary<string, LiveSubscription?> ByCustomer { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Locked { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string, string, DateTime), UsageCounter> Counters { get; } = [];
    public Dictionary<(string, string, DateTime), UsageDaily> Daily { get; } = [];
    public Dictionary<(string, string), ConsumptionAccount> Accounts { get; } = [];
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>The per-model rows of AI calls already read or opened in this transaction.</summary>
    public Dictionary<(string, string, DateTime, string), AiModelUsage> ModelUsage { get; } = [];

    /// <summary>Allowances (plan plus add-ons) of the subscriptions whose events stop at a limit, read once per subscription.</summary>
    public Dictionary<string, Allowance> Allowances { get; } = new(StringComparer.Ordinal);

    /// <summary>Counter and daily keys already looked up by <c>PrepareAsync</c>: a key not in the maps above has no row yet.</summary>
    public HashSet<(string, string, DateTime)> CountersLoaded { get; } = [];
    public HashSet<(string, string, DateTime)> DailyLoaded { get; } = [];

    /// <summary>
    /// When set (the batch endpoint), the events applied and their spend entries are collected here instead of being added
    /// to the change tracker: the caller writes them itself (binary COPY, prepared INSERTs), and EF Core never tracks,
    /// scans or detaches them. Other new rows (counters, daily rows, accounts, grants, domain events) stay tracked.
    /// </summary>
    public List<UsageEvent>? NewEvents { get; set; }
    public List<LedgerEntry>? NewLedger { get; set; }

    /// <summary>
    /// When set (the batch endpoint), the counters, daily rows and accounts are held here instead of in the change tracker:
    /// loaded untracked, opened without being added, and written by <see cref="UsageWrites.WriteAsync"/>.
    /// </summary>
    public UntrackedUsageRows? Untracked { get; set; }
}

/// <summary>Records one usage event and applies what it consumes (metered counters, credits or balance).</summary>
public sealed class TrackUsage(IOptions<UsageOptions> options, TrackCache cache)
{
    public const int MaxBatch = 100;

    /// <summary>The longest idempotency key an event may carry.</summary>
    public const int MaxIdempotencyKeyLength = 255;
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    public static Check Validate(TrackRequest r, string prefix, DateTime now)
    {
        var check = new Check()
            .Required(prefix + "feature", r.Feature, 100)
            .Required(prefix + "customerId", r.CustomerId)
            .MaxLength(prefix + "idempotencyKey", r.IdempotencyKey, MaxIdempotencyKeyLength);
        if (r.Model is not null)
        {
            CheckModelCall(check, prefix, r);
        }
        else if (r.InputTokens is not null || r.OutputTokens is not null || r.CacheReadTokens is not null || r.CacheWriteTokens is not null)
        {
            check.Add(prefix + "model", "model is required when token counts are sent.");
        }
        if (r.Value is { } v && (v < 0 || v > 1_000_000_000_000m))
        {
            check.Add(prefix + "value", "value must be zero or more (and at most 10^12).");
        }
        else if (r.Value is { } d && !InputLimits.HasAtMostDecimals(d, InputLimits.MaxValueDecimals))
        {
            check.Add(prefix + "value", $"value may have at most {InputLimits.MaxValueDecimals} decimal places.");
        }
        if (r.Timestamp is { } ts && ts.ToUniversalTime() > now + MaxFutureSkew)
        {
            check.Add(prefix + "timestamp", "timestamp may be at most 5 minutes in the future.");
        }
        InputLimits.CheckProperties(check, prefix + "properties", r.Properties);
        return check;
    }

    /// <summary>The AI variant: a model name, input and output token counts (required), cache counts (optional), no value.</summary>
    private static void CheckModelCall(Check check, string prefix, TrackRequest r)
    {
        check.Required(prefix + "model", r.Model, 200)
            .That(r.Value is null, prefix + "value", "Send either value or model with token counts, not both.")
            .That(r.InputTokens is not null, prefix + "inputTokens", "inputTokens is required when model is given.")
            .That(r.OutputTokens is not null, prefix + "outputTokens", "outputTokens is required when model is given.")
            .Range(prefix + "inputTokens", r.InputTokens, 0, AiPricing.MaxTokens)
            .Range(prefix + "outputTokens", r.OutputTokens, 0, AiPricing.MaxTokens)
            .Range(prefix + "cacheReadTokens", r.CacheReadTokens, 0, AiPricing.MaxTokens)
            .Range(prefix + "cacheWriteTokens", r.CacheWriteTokens, 0, AiPricing.MaxTokens);
    }

    /// <summary>
    /// Records one usage event and applies its consumption, in one transaction. The customer's resolution (customer,
    /// live subscription, plan graph) comes from <see cref="TrackCache"/> when it is still current; then one read
    /// (<see cref="TrackReads.ReadForTrackAsync"/>) checks that, looks up the idempotency key, locks the subscription
    /// and loads the counter, daily row and account; the changes are written in one batch at commit. On PostgreSQL
    /// that is three round trips (read, write, commit); a stale or missing cache entry costs the full resolution.
    /// With <paramref name="clockUnread"/> (the scope's <c>Now</c> is the real time the request came in, and the event has no
    /// timestamp) the sandbox's test clock is read by that same read. The cached resolution's keys are named at the time
    /// the tenant's clock showed at its last lone event (the real time when it has none); when the clock read names another
    /// window or day, the event is resolved afresh at the clock's time, as a stale cache entry is.
    /// </summary>
    public async Task<Result<Tracked>> HandleAsync(BillingScope scope, TrackRequest r, CancellationToken ct, bool clockUnread = false)
    {
        var check = Validate(r, "", scope.Now);
        if (check.Failed)
        {
            return check.ToError();
        }
        LiveSubscription? resolved = null;
        long catalogVersion = 0;
        var result = await scope.Db.InTransactionAsync<Tracked>(async () =>
        {
            var session = new TrackSession(scope);
            var hit = cache.Find(scope.Tenant, r.CustomerId!);
            var readClock = clockUnread && !scope.Tenant.Livemode;
            // With the clock unread, the keys are named at the time this tenant's clock showed last (real time if none).
            var named = readClock && clocks.TryGetValue(scope.Tenant.OrganizationId, out var seen) ? scope with { Now = seen } : scope;
            var keys = hit is { } h ? KeysFor(named, r, h.Live) : new TrackKeys(scope.Tenant.OrganizationId, scope.Tenant.Livemode, r.IdempotencyKey);
            var rows = await scope.Db.ReadForTrackAsync(keys, ct, readClock);
            if (readClock)
            {
                RememberClock(scope.Tenant.OrganizationId, rows.Clock);
            }
            catalogVersion = rows.CatalogVersion;
            if (rows.DuplicateEventId is { } earlierId)
            {
                var earlier = await scope.Db.UsageEvents.AsNoTracking().FirstAsync(e => e.Id == earlierId, ct);
                return new Tracked(earlier, true);
            }
            if (readClock && rows.Clock is { } simulated)
            {
                session.Scope = scope with { Now = BillingClock.Truncate(simulated) };
            }
            // Keys named at another time than the event's still hold when they name the same window and day.
            var keysHold = hit is not { } cached || named.Now == session.Scope.Now || KeysFor(session.Scope, r, cached.Live) == keys;
            if (keysHold && hit is { } fresh && fresh.CatalogVersion == rows.CatalogVersion && rows.SubscriptionVersion == fresh.Live.Subscription.Version
                && rows.SubscriptionStatus is { } status && SubscriptionStatus.IsLive(status))
            {
                Adopt(session, r, fresh.Live, keys, rows);
            }
            else
            {
                await TrackPreparation.PrepareAsync(session, [r], ct);
            }
            resolved = session.ByCustomer.GetValueOrDefault(r.CustomerId!);
            return await ApplyAsync(session, r, ct);
        }, ct,
            onConflict: Error.Conflict("duplicate_event", "An event with this idempotencyKey was recorded at the same moment."));
        if (resolved is not null)
        {
            cache.Remember(scope.Tenant, r.CustomerId!, resolved, catalogVersion);
        }
        if (!result.IsSuccess && result.Error.Code == "duplicate_event" && await ExistingAsync(scope.Db, r.IdempotencyKey, ct) is { } winner)
        {
            return new Tracked(winner, true);
        }
        return result;
    }

    /// <summary>
    /// The test clock each sandbox organization showed at its last read by a lone event or a group (none: no entry). A clock stays where
    /// it was set until it is moved, so naming the next event's keys at that time makes them right without a read of its
    /// own; when it moved to another window or day, the keys are wrong, and the event is resolved afresh (see <see cref="HandleAsync"/>).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> clocks = new(StringComparer.Ordinal);

    /// <summary>The time the organization's test clock showed at the last read of it by a usage event; null when it had none.</summary>
    internal DateTime? ClockHint(string organizationId) => clocks.TryGetValue(organizationId, out var at) ? at : null;

    internal void RememberClock(string organizationId, DateTime? clock)
    {
        if (clock is { } at)
        {
            clocks[organizationId] = BillingClock.Truncate(at);
        }
        else if (!clocks.IsEmpty)
        {
            clocks.TryRemove(organizationId, out _);
        }
    }

    /// <summary>What the read of a cached resolution names: the event's counter, daily row and account.</summary>
    internal static TrackKeys KeysFor(BillingScope scope, TrackRequest r, LiveSubscription live)
    {
        var s = live.Subscription;
        var feature = live.Plan.Features.FirstOrDefault(f => f.Feature?.Code == r.Feature)?.Feature;
        var usable = feature is { Type: FeatureTypes.Usage };
        return new TrackKeys(scope.Tenant.OrganizationId, scope.Tenant.Livemode, r.IdempotencyKey, s.Id,
            usable ? feature!.Id : null, Consumption.Window(s, scope.Now).Start, UsageDays.Of(scope.Now, live.Customer), Consumption.AccountKindOf(live.Plan));
    }

    /// <summary>Puts a cached resolution, confirmed current, and the rows read under its lock into the session.</summary>
    private static void Adopt(TrackSession session, TrackRequest r, LiveSubscription live, TrackKeys keys, TrackRows rows)
    {
        var scope = session.Scope;
        var db = scope.Db;
        var s = live.Subscription;
        session.ByCustomer[r.CustomerId!] = live;
        session.Locked.Add(s.Id);
        if (keys.FeatureId is { } featureId)
        {
            var counterKey = (s.Id, featureId, keys.WindowStart);
            session.CountersLoaded.Add(counterKey);
            if (rows.Counter is { } counter)
            {
                db.UsageCounters.Attach(counter);
                session.Counters[counterKey] = counter;
            }
            var dayKey = (s.Id, featureId, keys.Day);
            session.DailyLoaded.Add(dayKey);
            if (rows.Daily is { } daily)
            {
                db.UsageDaily.Attach(daily);
                session.Daily[dayKey] = daily;
            }
        }
        if (keys.AccountKind is { } kind)
        {
            if (rows.Account is { } account)
            {
                db.ConsumptionAccounts.Attach(account);
            }
            session.Accounts[(s.Id, kind)] = Consumption.Current(scope, s, live.Plan, kind, rows.Account);
        }
    }

    private static Task<UsageEvent?> ExistingAsync(CommetDb db, string? key, CancellationToken ct) =>
        key is null ? Task.FromResult<UsageEvent?>(null) : db.UsageEvents.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == key, ct);

    internal async Task<Result<Tracked>> ApplyAsync(TrackSession session, TrackRequest r, CancellationToken ct)
    {
        var scope = session.Scope;
        var db = scope.Db;
        if (!session.ByCustomer.TryGetValue(r.CustomerId!, out var live))
        {
            var found = await Consumption.LiveAsync(db, r.CustomerId!, ct);
            if (!found.IsSuccess)
            {
                session.ByCustomer[r.CustomerId!] = null;
                return found.Error;
            }
            live = found.Value;
            session.ByCustomer[r.CustomerId!] = live;
        }
        if (live is null)
        {
            return Consumption.NoSubscription(r.CustomerId!);
        }
        if (session.Locked.Add(live.Subscription.Id))
        {
            // Serializes consumption per subscription: limits, credits and balance are checked and taken under
            // this lock, on the subscription as it is now (not as it was read before the lock).
            var locked = await scope.Db.LockSubscriptionAsync(live.Subscription.Id, ct);
            if (locked is null || !SubscriptionStatus.IsLive(locked.Status))
            {
                session.ByCustomer[r.CustomerId!] = null;
                return Consumption.NoSubscription(r.CustomerId!);
            }
            live = live with { Subscription = locked };
            session.ByCustomer[r.CustomerId!] = live;
        }
        var s = live.Subscription;
        var planFeature = live.Plan.Features.FirstOrDefault(f => f.Feature?.Code == r.Feature);
        if (planFeature?.Feature is null)
        {
            var exists = await db.Features.AnyAsync(f => f.Code == r.Feature && f.DeletedAt == null, ct);
            return exists
                ? Error.Forbidden("feature_not_in_plan", $"The customer's plan does not include '{r.Feature}'.")
                : Error.NotFound("feature", $"No feature with code '{r.Feature}'.");
        }
        if (!planFeature.Enabled)
        {
            return Error.Forbidden("feature_disabled", $"'{r.Feature}' is disabled on the customer's plan.");
        }
        var feature = planFeature.Feature;
        if (feature.Type != FeatureTypes.Usage)
        {
            return Error.Invalid("invalid_feature_type", $"'{feature.Code}' is a {feature.Type} feature; track usage features only (seats have their own endpoints).", "feature");
        }
        if (r.IdempotencyKey is not null && !session.Keys.Add(r.IdempotencyKey))
        {
            var earlier = session.NewEvents is { } collected ? collected.First(e => e.IdempotencyKey == r.IdempotencyKey)
                : db.UsageEvents.Local.First(e => e.IdempotencyKey == r.IdempotencyKey);
            return new Tracked(earlier, true);
        }

        var aiPriced = planFeature.PricingMode == CatalogRules.PricingModeAiModel;
        if (aiPriced != (r.Model is not null))
        {
            return Error.Invalid("pricing_mode_mismatch", aiPriced
                ? $"'{feature.Code}' is priced by AI model: send model, inputTokens and outputTokens instead of value."
                : $"'{feature.Code}' is not priced by AI model: send value, not model and token counts.", aiPriced ? "model" : "value");
        }
        var model = live.Plan.ConsumptionModel ?? ConsumptionModels.Metered;
        AiPriced? ai = null;
        if (aiPriced)
        {
            // Plain events never come here: the rate lookup and the per-model row are the AI calls' own cost.
            var priced = await PriceAiCallAsync(scope, s, planFeature, model, r, ct);
            if (!priced.IsSuccess)
            {
                return priced.Error;
            }
            ai = priced.Value;
        }

        var value = ai is { } call ? call.Tokens.Total : r.Value ?? 1m;
        var now = scope.Now;
        var (windowStart, _) = Consumption.Window(s, now);
        var counter = await CounterAsync(session, s.Id, feature.Id, windowStart, ct);
        var evt = new UsageEvent
        {
            Id = Ids.New(Ids.Event),
            OrganizationId = scope.Tenant.OrganizationId,
            Livemode = scope.Tenant.Livemode,
            CustomerId = live.Customer.Id,
            SubscriptionId = s.Id,
            FeatureId = feature.Id,
            FeatureCode = feature.Code,
            Value = value,
            Timestamp = r.Timestamp?.ToUniversalTime() ?? now,
            IdempotencyKey = r.IdempotencyKey,
            PropertiesJson = r.Properties is { Count: > 0 } ? JsonSerializer.Serialize(r.Properties.ToDictionary(p => p.Property!, p => p.Value), Api.Json) : null,
            CreatedAt = now,
        };

        if (ai is null && InputLimits.CheckCost("value", model, planFeature, value, counter.Quantity) is { } tooLarge)
        {
            return tooLarge;
        }

        switch (model)
        {
            case ConsumptionModels.Credits:
            {
                var cost = ai?.Charge.Amount ?? CreditCost(planFeature, value);
                var account = await AccountCachedAsync(session, s, live.Plan, AccountKinds.Credits, ct);
                var before = account.Total;
                var split = account.Spend(cost, mayGoNegative: false);
                if (split is null)
                {
                    return InsufficientCredits(account, cost);
                }
                Consumption.RecordSpend(scope, s, account, split.Value, evt.Id, session.NewLedger);
                LowBalanceAlerts.AfterCreditsSpend(scope, s, live.Customer, account, before, live.Plan.LowBalancePercent ?? options.Value.LowBalancePercent);
                if (account.Total == 0 && cost > 0)
                {
                    EventRecorder.Record(db, scope.Tenant, new CreditsDepletedData(s.Id, s.CustomerId, 0), now, s.Id, live.Customer);
                }
                break;
            }
            case ConsumptionModels.Balance:
            {
                var cost = ai?.Charge.Amount ?? BalanceCost(planFeature, value, s.Currency);
                var account = await AccountCachedAsync(session, s, live.Plan, AccountKinds.Balance, ct);
                var block = live.Plan.BlockOnExhaustion == true;
                var before = account.Total;
                if (!block && InputLimits.CheckAccountRoom("value", account, -cost) is { } full)
                {
                    return full;
                }
                var split = account.Spend(cost, mayGoNegative: !block);
                if (split is null)
                {
                    return InsufficientBalance(account, cost, s.Currency);
                }
                Consumption.RecordSpend(scope, s, account, split.Value, evt.Id, session.NewLedger);
                LowBalanceAlerts.AfterBalanceSpend(scope, s, live.Customer, account, before, live.Plan.LowBalancePercent ?? options.Value.LowBalancePercent);
                if (before > 0 && account.Total <= 0)
                {
                    EventRecorder.Record(db, scope.Tenant, new BalanceDepletedData(s.Id, s.CustomerId, account.Total, s.Currency), now, s.Id, live.Customer);
                }
                break;
            }
            default:
            {
                // Metered: free plans, trials and plans without overage stop at the included amount (plan plus add-ons).
                if (!planFeature.Unlimited && !OverageAllowed(live.Plan, s, planFeature))
                {
                    var included = (await AllowanceCachedAsync(session, s, ct)).IncludedAt(planFeature, s, now);
                    if (counter.Quantity + value > included)
                    {
                        return IncludedLimitReached(planFeature, included, counter.Quantity);
                    }
                }
                break;
            }
        }

        if (ai is { } spent)
        {
            await RecordModelUsageAsync(session, s.Id, feature.Id, windowStart, spent, Consumption.AccountKindOf(live.Plan)!, ct);
        }
        counter.Quantity += value;
        counter.UpdatedAt = now;
        var day = await DailyAsync(session, s.Id, feature.Id, UsageDays.Of(now, live.Customer), ct);
        day.Quantity += value;
        if (session.NewEvents is { } events)
        {
            events.Add(evt);
        }
        else
        {
            db.UsageEvents.Add(evt);
        }
        if (options.Value.EmitRecordedEvents)
        {
            EventRecorder.Record(db, scope.Tenant, new UsageRecordedData(s.Id, s.CustomerId, evt.Id, feature.Code, value, evt.Timestamp), now, s.Id, live.Customer);
        }
        return new Tracked(evt, false);
    }

    /// <summary>An AI call priced: its tokens, the model's rate as found, and the one rounded charge (rate scale or credits).</summary>
    internal readonly record struct AiPriced(ResolvedRate Rate, TokenCounts Tokens, AiCharge Charge);

    /// <summary>
    /// Prices an AI call at its model's rate in the subscription's currency (the organization's own price, else the
    /// built-in table's) plus the feature's margin, rounded up once to the unit of the plan's account.
    /// </summary>
    private static async Task<Result<AiPriced>> PriceAiCallAsync(BillingScope scope, Subscription s, PlanFeature pf, string model, TrackRequest r, CancellationToken ct)
    {
        var rate = await AiModelCatalog.ResolveAsync(scope.Db, r.Model!, s.Currency, ct);
        if (rate is null)
        {
            return AiModelCatalog.ModelNotFound(r.Model!, s.Currency);
        }
        var tokens = r.Tokens;
        try
        {
            var charge = model == ConsumptionModels.Credits
                ? AiPricing.CreditCharge(tokens, rate.Rates, pf.Margin ?? 0, pf.CreditsPerUnit ?? 1)
                : AiPricing.BalanceCharge(tokens, rate.Rates, pf.Margin ?? 0);
            if (charge.Amount > InputLimits.MaxEventCost)
            {
                throw new OverflowException();
            }
            return new AiPriced(rate, tokens, charge);
        }
        catch (OverflowException)
        {
            return Error.Validation("inputTokens", "The token counts are too large: at this model's price the call would cost more than this server takes in one event.");
        }
    }

    /// <summary>Adds the call to its model's row of the window (read once per transaction, under the subscription's lock).</summary>
    private static async Task RecordModelUsageAsync(TrackSession session, string subscriptionId, string featureId, DateTime windowStart, AiPriced call, string kind, CancellationToken ct)
    {
        var db = session.Scope.Db;
        var key = (subscriptionId, featureId, windowStart, call.Rate.Model);
        if (!session.ModelUsage.TryGetValue(key, out var row))
        {
            row = await db.AiModelUsage.FirstOrDefaultAsync(u => u.SubscriptionId == subscriptionId && u.FeatureId == featureId
                && u.WindowStart == windowStart && u.Model == call.Rate.Model, ct);
            if (row is null)
            {
                row = new AiModelUsage { SubscriptionId = subscriptionId, FeatureId = featureId, WindowStart = windowStart, Model = call.Rate.Model, Kind = kind };
                db.AiModelUsage.Add(row);
            }
            session.ModelUsage[key] = row;
        }
        row.Calls++;
        row.InputTokens += call.Tokens.Input;
        row.OutputTokens += call.Tokens.Output;
        row.CacheReadTokens += call.Tokens.CacheRead;
        row.CacheWriteTokens += call.Tokens.CacheWrite;
        row.Charged += call.Charge.Amount;
        row.MarginCharged += call.Charge.Margin;
        row.UpdatedAt = session.Scope.Now;
    }

    public static bool OverageAllowed(Plan plan, Subscription s, PlanFeature pf) =>
        pf.OverageEnabled && !plan.IsFree && s.Status != SubscriptionStatus.Trialing;

    /// <summary>Credits for <paramref name="value"/> units: whole credits, a fraction of one rounded up.</summary>
    public static long CreditCost(PlanFeature pf, decimal value) => (long)Math.Ceiling(value * (pf.CreditsPerUnit ?? 1));

    /// <summary>Balance (rate scale) for <paramref name="value"/> units, rounded half away from zero.</summary>
    public static long BalanceCost(PlanFeature pf, decimal value, string currency) =>
        (long)Math.Round(value * pf.BilledOverage(currency), MidpointRounding.AwayFromZero);

    public static Error InsufficientCredits(ConsumptionAccount account, long cost) =>
        new("insufficient_credits", $"Not enough credits: this needs {cost} and {Math.Max(0, account.Total)} are left.", 402, "invalid_request_error", null,
            new InsufficientCreditsDetails(cost, account.PlanAmount, account.PurchasedAmount, account.Total));

    public static Error InsufficientBalance(ConsumptionAccount account, long cost, string currency) =>
        new("insufficient_balance", "Not enough balance left for this use.", 402, "invalid_request_error", null,
            new InsufficientBalanceDetails(cost, account.Total, currency));

    /// <summary><paramref name="included"/> is the allowance of the window: the plan's included amount plus the add-ons'.</summary>
    public static Error IncludedLimitReached(PlanFeature pf, long included, decimal current) =>
        new("included_limit_reached", $"The included {included} of '{pf.Feature?.Code}' is used up ({current} used).", 403, "invalid_request_error", null,
            new IncludedLimitReachedDetails(included, current));

    private static async Task<Allowance> AllowanceCachedAsync(TrackSession session, Subscription s, CancellationToken ct)
    {
        if (!session.Allowances.TryGetValue(s.Id, out var allowance))
        {
            allowance = await AddonAllowances.ForWindowAsync(session.Scope, s, session.Scope.Now, ct);
            session.Allowances[s.Id] = allowance;
        }
        return allowance;
    }

    private static async Task<UsageCounter> CounterAsync(TrackSession session, string subscriptionId, string featureId, DateTime windowStart, CancellationToken ct)
    {
        var key = (subscriptionId, featureId, windowStart);
        if (session.Counters.TryGetValue(key, out var counter))
        {
            return counter;
        }
        var db = session.Scope.Db;
        var untracked = session.Untracked;
        counter = session.CountersLoaded.Contains(key) ? null
            : await (untracked is null ? db.UsageCounters : db.UsageCounters.AsNoTracking())
                .FirstOrDefaultAsync(c => c.SubscriptionId == subscriptionId && c.FeatureId == featureId && c.WindowStart == windowStart, ct);
        if (counter is null)
        {
            counter = new UsageCounter { SubscriptionId = subscriptionId, FeatureId = featureId, WindowStart = windowStart };
            if (untracked is not null)
            {
                untracked.NewCounters.Add(counter);
            }
            else
            {
                db.UsageCounters.Add(counter);
            }
        }
        else
        {
            untracked?.Loaded(counter);
        }
        session.Counters[key] = counter;
        return counter;
    }

    private static async Task<UsageDaily> DailyAsync(TrackSession session, string subscriptionId, string featureId, DateTime day, CancellationToken ct)
    {
        var key = (subscriptionId, featureId, day);
        if (session.Daily.TryGetValue(key, out var row))
        {
            return row;
        }
        var db = session.Scope.Db;
        var untracked = session.Untracked;
        row = session.DailyLoaded.Contains(key) ? null
            : await (untracked is null ? db.UsageDaily : db.UsageDaily.AsNoTracking())
                .FirstOrDefaultAsync(c => c.SubscriptionId == subscriptionId && c.FeatureId == featureId && c.Day == day, ct);
        if (row is null)
        {
            row = new UsageDaily { SubscriptionId = subscriptionId, FeatureId = featureId, Day = day };
            if (untracked is not null)
            {
                untracked.NewDaily.Add(row);
            }
            else
            {
                db.UsageDaily.Add(row);
            }
        }
        else
        {
            untracked?.Loaded(row);
        }
        session.Daily[key] = row;
        return row;
    }

    private static async Task<ConsumptionAccount> AccountCachedAsync(TrackSession session, Subscription s, Plan plan, string kind, CancellationToken ct)
    {
        if (!session.Accounts.TryGetValue((s.Id, kind), out var account))
        {
            account = session.Untracked is { } untracked
                ? await Consumption.AccountAsync(session.Scope, s, plan, kind, untracked, ct)
                : await Consumption.AccountAsync(session.Scope, s, plan, kind, ct);
            session.Accounts[(s.Id, kind)] = account;
        }
        return account;
    }
}
