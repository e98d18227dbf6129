using System.Net;
using System.Text.Json.Nodes;
using Commet.Domain.Usage;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The batch endpoint writes its counters, daily rows and accounts itself, outside EF Core's change tracker (new rows
/// inserted, changed ones updated, set-based); single events still go through the tracked path. The same events sent
/// both ways, to twin customers on the same plans at the same frozen time, must leave the same rows, field by field, the
/// same ledger and the same answers.
/// </summary>
public abstract class BatchRowsTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private sealed record Ev(string Kind, decimal Value, string? Key = null);

    private static async Task Feature(HttpClient api, string code) =>
        await api.PostJson("/api/v1/features/manage", new { code, name = code, type = "usage" }).Ok();

    [Fact]
    public async Task Batch_LeavesTheSameCountersDailyRowsAccountsAndLedger_AsSingleEvents()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var start = new DateTime(2027, 3, 10, 12, 0, 0, DateTimeKind.Utc);
        await api.SetClock(start);
        await Feature(api, "gen");
        await Feature(api, "calls");
        await Feature(api, "hits");
        // Credits: 25 a month, 2 a unit. Balance, blocking: $1.00 a month, $0.50 a unit. Free: 10 units included.
        await api.PostJson("/api/v1/plans/manage", new { code = "cr", name = "Cr", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/cr/prices", new { billingInterval = "monthly", price = 900, includedCredits = 25 }).Ok();
        await api.PostJson("/api/v1/plans/cr/features", new { featureId = "gen", creditsPerUnit = 2 }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "bl", name = "Bl", consumptionModel = "balance", blockOnExhaustion = true }).Ok();
        await api.PostJson("/api/v1/plans/bl/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 10000 }).Ok();
        await api.PostJson("/api/v1/plans/bl/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 5000 } }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "fr", name = "Fr", isFree = true }).Ok();
        await api.PostJson("/api/v1/plans/fr/features", new { featureId = "hits", includedAmount = 10 }).Ok();
        var plans = new Dictionary<string, (string Plan, string Feature)> { ["cr"] = ("cr", "gen"), ["bl"] = ("bl", "calls"), ["fr"] = ("fr", "hits") };
        var subs = new Dictionary<string, string>();
        foreach (var side in new[] { "b", "s" })
        {
            foreach (var (kind, (plan, _)) in plans)
            {
                await api.Customer($"{side}-{kind}", card: kind == "fr" ? null : "4242424242424242");
                subs[$"{side}-{kind}"] = (await api.Subscribe($"{side}-{kind}", plan)).Str("id");
            }
        }

        // First batch: new counters and daily rows. Second, at the same time: the same rows again (updated), refusals
        // (no credits, no balance, the free limit), a zero value, a fraction, idempotency keys repeated in and across batches.
        Ev[] first = [new("cr", 3), new("bl", 1), new("fr", 4), new("cr", 0, "k1"), new("fr", 5), new("cr", 4, "k1")];
        Ev[] second = [new("cr", 4), new("bl", 1), new("bl", 1), new("fr", 3), new("cr", 10), new("fr", 1), new("cr", 2.5m, "k2"),
            new("bl", 0), new("cr", 1, "k1"), new("cr", 1, "k2")];
        // A month on (billing not run): a new window (accounts reset: expiry and grant), a new day.
        Ev[] third = [new("cr", 2), new("bl", 1), new("fr", 1), new("fr", 2)];

        var batchAnswers = new List<JsonNode>();
        var singleAnswers = new List<ApiResponse>();
        foreach (var (events, at) in new[] { (first, start), (second, start), (third, start.AddDays(35)) })
        {
            if (at != start)
            {
                await api.SetClock(at);
            }
            var batch = await api.PostJson("/api/v1/usage/events/batch", new
            {
                events = events.Select(e => new { customerId = "b-" + e.Kind, feature = plans[e.Kind].Feature, value = e.Value, idempotencyKey = e.Key is null ? null : "b" + e.Key }).ToArray(),
            }).Ok();
            batchAnswers.AddRange(batch["results"]!.AsArray().Select(r => r!));
            foreach (var e in events)
            {
                singleAnswers.Add(await api.PostJson("/api/v1/usage/events",
                    new { customerId = "s-" + e.Kind, feature = plans[e.Kind].Feature, value = e.Value, idempotencyKey = e.Key is null ? null : "s" + e.Key }));
            }
        }

        // The answers: the same events accepted, the same refused for the same reasons and amounts.
        Assert.Equal(singleAnswers.Count, batchAnswers.Count);
        for (var i = 0; i < batchAnswers.Count; i++)
        {
            var (b, s) = (batchAnswers[i], singleAnswers[i]);
            var single = s.Status is HttpStatusCode.OK or HttpStatusCode.Created;
            Assert.True(single == b["success"]!.GetValue<bool>(), $"event {i}: batch {b.ToJsonString()}, single {s}");
            if (!single)
            {
                Assert.Equal(s.ErrorCode, b["error"]!.Str("code"));
                Assert.Equal(s.Body!["error"]!["details"]?.ToJsonString(), b["error"]!["details"]?.ToJsonString());
            }
            else
            {
                Assert.Equal((s.Data["value"]!.GetValue<decimal>(), s.Data["duplicate"]!.GetValue<bool>(), s.Data["ts"]!.GetValue<DateTime>()),
                    (b["event"]!["value"]!.GetValue<decimal>(), b["event"]!["duplicate"]!.GetValue<bool>(), b["event"]!["ts"]!.GetValue<DateTime>()));
            }
        }
        Assert.Contains(batchAnswers, b => b["error"]?.Str("code") == "insufficient_credits");
        Assert.Contains(batchAnswers, b => b["error"]?.Str("code") == "insufficient_balance");
        Assert.Contains(batchAnswers, b => b["error"]?.Str("code") == "included_limit_reached");

        await using var db = t.Db();
        foreach (var kind in plans.Keys)
        {
            var (b, s) = (subs["b-" + kind], subs["s-" + kind]);
            var counters = await db.UsageCounters.AsNoTracking().Where(c => c.SubscriptionId == b || c.SubscriptionId == s).ToListAsync();
            Assert.Equal(Rows(counters.Where(c => c.SubscriptionId == s), c => (c.FeatureId, c.WindowStart, c.Quantity, c.UpdatedAt)),
                Rows(counters.Where(c => c.SubscriptionId == b), c => (c.FeatureId, c.WindowStart, c.Quantity, c.UpdatedAt)));
            Assert.Equal(2, counters.Count(c => c.SubscriptionId == b));
            var daily = await db.UsageDaily.AsNoTracking().Where(d => d.SubscriptionId == b || d.SubscriptionId == s).ToListAsync();
            Assert.Equal(Rows(daily.Where(d => d.SubscriptionId == s), d => (d.FeatureId, d.Day, d.Quantity)),
                Rows(daily.Where(d => d.SubscriptionId == b), d => (d.FeatureId, d.Day, d.Quantity)));
            Assert.Equal(2, daily.Count(d => d.SubscriptionId == b));
            var accounts = await db.ConsumptionAccounts.AsNoTracking().Where(a => a.SubscriptionId == b || a.SubscriptionId == s).ToListAsync();
            Assert.Equal(Rows(accounts.Where(a => a.SubscriptionId == s), a => (a.Kind, a.PlanAmount, a.PurchasedAmount, a.Allowance, a.WindowStart, a.RefillLevel, a.UpdatedAt)),
                Rows(accounts.Where(a => a.SubscriptionId == b), a => (a.Kind, a.PlanAmount, a.PurchasedAmount, a.Allowance, a.WindowStart, a.RefillLevel, a.UpdatedAt)));
            var ledger = await db.Ledger.AsNoTracking().Where(l => l.SubscriptionId == b || l.SubscriptionId == s).ToListAsync();
            Assert.Equal(Rows(ledger.Where(l => l.SubscriptionId == s), l => (l.Kind, l.Bucket, l.Amount, l.Reason, l.At)),
                Rows(ledger.Where(l => l.SubscriptionId == b), l => (l.Kind, l.Bucket, l.Amount, l.Reason, l.At)));
            var events = await db.UsageEvents.AsNoTracking().Where(e => e.SubscriptionId == b || e.SubscriptionId == s).ToListAsync();
            Assert.Equal(Rows(events.Where(e => e.SubscriptionId == s), e => (e.FeatureId, e.Value, e.Timestamp)),
                Rows(events.Where(e => e.SubscriptionId == b), e => (e.FeatureId, e.Value, e.Timestamp)));
            // The running totals are the sums of the ledger.
            foreach (var a in accounts)
            {
                Assert.Equal(a.PlanAmount, ledger.Where(l => l.SubscriptionId == a.SubscriptionId && l.Kind == a.Kind && l.Bucket == Buckets.Plan).Sum(l => l.Amount));
                Assert.Equal(a.PurchasedAmount, ledger.Where(l => l.SubscriptionId == a.SubscriptionId && l.Kind == a.Kind && l.Bucket == Buckets.Purchased).Sum(l => l.Amount));
            }
        }
    }

    /// <summary>The rows as comparable text, in a fixed order.</summary>
    private static List<string> Rows<T, TKey>(IEnumerable<T> rows, Func<T, TKey> fields) =>
        rows.Select(r => Normalize(fields(r)!.ToString()!)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Decimals as stored may carry trailing zeros on one database and not the other; 3.000000 and 3 are the same quantity.</summary>
    private static string Normalize(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"(\d+)\.(\d*?)0+\b", m => m.Groups[2].Length == 0 ? m.Groups[1].Value : m.Groups[1].Value + "." + m.Groups[2].Value);
}

public sealed class BatchRowsTests_Sqlite(SqliteServer server) : BatchRowsTests<SqliteServer>(server);

public sealed class BatchRowsTests_Postgres(PostgresServer server) : BatchRowsTests<PostgresServer>(server);
