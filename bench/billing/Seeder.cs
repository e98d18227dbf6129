using Commet.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Commet.Bench.Billing;

/// <summary>
/// Bulk-loads the benchmark's starting point with binary COPY: one plan (monthly, 4900), N customers, a default
/// sandbox card per customer, and N active monthly subscriptions whose period ended in the hour before
/// <c>now</c> (so each is due for exactly one renewal; the "upcoming" notice of the ended period counts as sent).
/// </summary>
public static class Seeder
{
    public const string Org = Organization.DefaultId;
    public const long Price = 4900;

    public sealed record Seeded(string PlanId, string PlanName, DateTime Now);

    public static async Task<Seeded> SeedAsync(NpgsqlConnection c, int n, DateTime now, CancellationToken ct)
    {
        var planId = Ids.New(Ids.Plan);
        var priceId = Ids.New(Ids.Price);
        const string planName = "Pro";
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO plans ("Id","OrganizationId","Livemode","Code","Name","IsPublic","IsDefault","IsFree","SortOrder","CreatedAt","UpdatedAt")
            VALUES (@id, @org, false, 'pro', @name, true, false, false, 0, @now, @now);
            INSERT INTO plan_prices ("Id","PlanId","BillingInterval","Price","IsDefault","TrialDays","IntroOfferEnabled","CreatedAt","UpdatedAt")
            VALUES (@price, @id, 'monthly', @amount, true, 0, false, @now, @now);
            """, c))
        {
            cmd.Parameters.AddWithValue("id", planId);
            cmd.Parameters.AddWithValue("price", priceId);
            cmd.Parameters.AddWithValue("org", Org);
            cmd.Parameters.AddWithValue("name", planName);
            cmd.Parameters.AddWithValue("amount", Price);
            cmd.Parameters.AddWithValue("now", now);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var customers = new string[n];
        for (var i = 0; i < n; i++)
        {
            customers[i] = Ids.New(Ids.Customer);
        }
        var created = now.AddMonths(-2);

        await using (var w = await c.BeginBinaryImportAsync(
            """COPY customers ("Id","OrganizationId","Livemode","ExternalId","Email","CreatedAt","UpdatedAt") FROM STDIN (FORMAT BINARY)""", ct))
        {
            for (var i = 0; i < n; i++)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(customers[i], NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(Org, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync($"bench-{i}", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync($"bench-{i}@example.com", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
            }
            await w.CompleteAsync(ct);
        }

        await using (var w = await c.BeginBinaryImportAsync(
            """COPY payment_methods ("Id","OrganizationId","Livemode","CustomerId","Provider","ProviderReference","Brand","Last4","ExpMonth","ExpYear","Fingerprint","IsDefault","CreatedAt") FROM STDIN (FORMAT BINARY)""", ct))
        {
            for (var i = 0; i < n; i++)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(Ids.New(Ids.PaymentMethod), NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(Org, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync(customers[i], NpgsqlDbType.Text, ct);
                await w.WriteAsync("commet", NpgsqlDbType.Text, ct);
                await w.WriteAsync($"sandbox_ok_{i:D8}", NpgsqlDbType.Text, ct);
                await w.WriteAsync("visa", NpgsqlDbType.Text, ct);
                await w.WriteAsync("4242", NpgsqlDbType.Text, ct);
                await w.WriteAsync(12, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(2099, NpgsqlDbType.Integer, ct);
                await w.WriteAsync("f0000000000000000000000000004242", NpgsqlDbType.Text, ct);
                await w.WriteAsync(true, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz, ct);
            }
            await w.CompleteAsync(ct);
        }

        await using (var w = await c.BeginBinaryImportAsync(
            """
            COPY subscriptions ("Id","OrganizationId","Livemode","CustomerId","PlanId","PlanPriceId","BillingInterval","Status","Currency",
              "BasePrice","PaidForCurrentPeriod","BillingAnchor","Cycle","CurrentPeriodStart","CurrentPeriodEnd","StartDate","CancelAtPeriodEnd",
              "DunningRetries","NextActionAt","UpcomingSentFor","InitialSeats","CreatedAt","UpdatedAt","Version") FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            for (var i = 0; i < n; i++)
            {
                // Period ends spread over the hour before now; the anchor is one month earlier.
                var end0 = now.AddSeconds(-1 - (3599.0 * i / Math.Max(1, n)));
                var anchor = end0.AddMonths(-1);
                var end = anchor.AddMonths(1);
                await w.StartRowAsync(ct);
                await w.WriteAsync(Ids.New(Ids.Subscription), NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(Org, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync(customers[i], NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(planId, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(priceId, NpgsqlDbType.Text, ct);
                await w.WriteAsync("monthly", NpgsqlDbType.Text, ct);
                await w.WriteAsync("active", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync("USD", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(Price, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(Price, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(anchor, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(0, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(anchor, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(end, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(anchor, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync(0, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(end, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(end, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(0, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(anchor, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(anchor, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(0L, NpgsqlDbType.Bigint, ct);
            }
            await w.CompleteAsync(ct);
        }

        // Fresh statistics, as a database that has been running for a while would have.
        await using (var analyze = new NpgsqlCommand("ANALYZE", c))
        {
            analyze.CommandTimeout = 600;
            await analyze.ExecuteNonQueryAsync(ct);
        }
        return new Seeded(planId, planName, now);
    }
}
