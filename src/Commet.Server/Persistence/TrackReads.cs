using System.Data.Common;
using Commet.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Commet.Server.Persistence;

/// <summary>
/// What a single usage event reads before it is applied, named by what the caller already knows: the tenant, the
/// event's idempotency key, and (when the customer's resolution is cached) the subscription, feature, allowance
/// window, day and account kind. Without a subscription only the catalog version and the key are read.
/// </summary>
public sealed record TrackKeys(string OrganizationId, bool Livemode, string? IdempotencyKey,
    string? SubscriptionId = null, string? FeatureId = null, DateTime WindowStart = default, DateTime Day = default, string? AccountKind = null);

/// <summary>
/// What <see cref="TrackReads.ReadForTrackAsync"/> found: the catalog version, the event already recorded under the
/// key, the subscription's status and concurrency version (locked), and the counter, daily row and account the event
/// will move (the account locked). The rows are not tracked; the caller attaches those it keeps.
/// </summary>
public sealed record TrackRows(long CatalogVersion, string? DuplicateEventId, string? SubscriptionStatus, long? SubscriptionVersion,
    UsageCounter? Counter, UsageDaily? Daily, ConsumptionAccount? Account);

public static class TrackReads
{
    /// <summary>
    /// One round trip (one command of several statements) inside the open transaction: the catalog version first,
    /// then the idempotency key, then the subscription row locked (PostgreSQL <c>FOR UPDATE</c>; SQLite's single
    /// writer already excludes the others), then, under that lock, the counter, the daily row and the account (locked
    /// too). Statements run in that order, each seeing what committed before it, so the rows read after the lock are
    /// the ones the previous holder left.
    /// </summary>
    public static async Task<TrackRows> ReadForTrackAsync(this CommetDb db, TrackKeys k, CancellationToken ct)
    {
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("ReadForTrackAsync runs inside a transaction.");
        var forUpdate = db.IsPostgres ? " FOR UPDATE" : "";
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = tx.GetDbTransaction();
        var sql = new System.Text.StringBuilder();
        Add(command, "org", k.OrganizationId);
        Add(command, "live", k.Livemode);
        sql.Append("""SELECT "Version" FROM catalog_versions WHERE "OrganizationId" = @org AND "Livemode" = @live;""").Append('\n');
        if (k.IdempotencyKey is not null)
        {
            Add(command, "key", k.IdempotencyKey);
            sql.Append("""SELECT "Id" FROM usage_events WHERE "OrganizationId" = @org AND "Livemode" = @live AND "IdempotencyKey" = @key;""").Append('\n');
        }
        var withSubscription = k.SubscriptionId is not null;
        if (withSubscription)
        {
            Add(command, "sub", k.SubscriptionId!);
            sql.Append("""SELECT "Status", "Version" FROM subscriptions WHERE "Id" = @sub AND "OrganizationId" = @org AND "Livemode" = @live""" + forUpdate + ";").Append('\n');
        }
        var withFeature = withSubscription && k.FeatureId is not null;
        if (withFeature)
        {
            Add(command, "feature", k.FeatureId!);
            Add(command, "window", k.WindowStart);
            Add(command, "day", k.Day);
            sql.Append("""SELECT "Quantity", "UpdatedAt" FROM usage_counters WHERE "SubscriptionId" = @sub AND "FeatureId" = @feature AND "WindowStart" = @window;""").Append('\n');
            sql.Append("""SELECT "Quantity" FROM usage_daily WHERE "SubscriptionId" = @sub AND "FeatureId" = @feature AND "Day" = @day;""").Append('\n');
        }
        var withAccount = withSubscription && k.AccountKind is not null;
        if (withAccount)
        {
            Add(command, "kind", k.AccountKind!);
            sql.Append("""SELECT "PlanAmount", "PurchasedAmount", "Allowance", "WindowStart", "UpdatedAt", "RefillLevel" FROM consumption_accounts WHERE "SubscriptionId" = @sub AND "Kind" = @kind""" + forUpdate + ";").Append('\n');
        }
        command.CommandText = sql.ToString();
        RoundTripMeter.Of(db)?.Add();

        await using var reader = await command.ExecuteReaderAsync(ct);
        long catalog = await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0;
        string? duplicate = null;
        if (k.IdempotencyKey is not null)
        {
            await reader.NextResultAsync(ct);
            duplicate = await reader.ReadAsync(ct) ? reader.GetString(0) : null;
        }
        string? status = null;
        long? version = null;
        if (withSubscription)
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                status = reader.GetString(0);
                version = reader.GetInt64(1);
            }
        }
        UsageCounter? counter = null;
        UsageDaily? daily = null;
        if (withFeature)
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                counter = new UsageCounter
                {
                    SubscriptionId = k.SubscriptionId!, FeatureId = k.FeatureId!, WindowStart = k.WindowStart,
                    Quantity = reader.GetDecimal(0), UpdatedAt = Utc(reader.GetDateTime(1)),
                };
            }
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                daily = new UsageDaily { SubscriptionId = k.SubscriptionId!, FeatureId = k.FeatureId!, Day = k.Day, Quantity = reader.GetDecimal(0) };
            }
        }
        ConsumptionAccount? account = null;
        if (withAccount)
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                account = new ConsumptionAccount
                {
                    SubscriptionId = k.SubscriptionId!, Kind = k.AccountKind!,
                    PlanAmount = reader.GetInt64(0), PurchasedAmount = reader.GetInt64(1), Allowance = reader.GetInt64(2),
                    WindowStart = Utc(reader.GetDateTime(3)), UpdatedAt = Utc(reader.GetDateTime(4)),
                    RefillLevel = reader.GetInt64(5),
                };
            }
        }
        return new TrackRows(catalog, duplicate, status, version, counter, daily, account);
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
