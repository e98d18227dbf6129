using Npgsql;

namespace Commet.Bench.Billing;

/// <summary>Checks, with SQL, that the run renewed every subscription exactly once.</summary>
public static class Verifier
{
    public static async Task<List<string>> VerifyAsync(NpgsqlConnection c, int n, CancellationToken ct)
    {
        var failures = new List<string>();
        async Task Check(string what, string sql, long expected)
        {
            await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 600 };
            var value = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct) ?? -1L, System.Globalization.CultureInfo.InvariantCulture);
            var ok = value == expected;
            Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {what}: {value}{(ok ? "" : $" (expected {expected})")}");
            if (!ok)
            {
                failures.Add($"{what}: {value}, expected {expected}");
            }
        }

        await using (var tz = new NpgsqlCommand("SET TimeZone = 'UTC'", c))
        {
            await tz.ExecuteNonQueryAsync(ct);
        }
        await Check("invoices", """SELECT count(*) FROM invoices""", n);
        await Check("distinct billing keys", """SELECT count(DISTINCT "BillingKey") FROM invoices""", n);
        await Check("invoices per subscription = 1",
            """SELECT count(*) FROM (SELECT "SubscriptionId" FROM invoices GROUP BY 1 HAVING count(*) = 1) x""", n);
        await Check("paid recurring invoices of 4900",
            """SELECT count(*) FROM invoices WHERE "Status" = 'paid' AND "Type" = 'recurring' AND "Total" = 4900 AND "PaidAt" IS NOT NULL""", n);
        await Check("billing key names the new period",
            """
            SELECT count(*) FROM invoices i JOIN subscriptions s ON s."Id" = i."SubscriptionId"
            WHERE i."BillingKey" = 'renewal:' || s."Id" || ':' || to_char(s."CurrentPeriodStart", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            AND i."PeriodStart" = s."CurrentPeriodStart" AND i."PeriodEnd" = s."CurrentPeriodEnd"
            """, n);
        await Check("invoice lines", """SELECT count(*) FROM invoice_lines""", n);
        await Check("succeeded transactions", """SELECT count(*) FROM transactions WHERE "Status" = 'succeeded' AND "Amount" = 4900""", n);
        await Check("transactions (all)", """SELECT count(*) FROM transactions""", n);
        await Check("distinct attempt keys", """SELECT count(DISTINCT "AttemptKey") FROM transactions""", n);
        await Check("transaction per invoice = 1",
            """SELECT count(*) FROM invoices i WHERE (SELECT count(*) FROM transactions t WHERE t."InvoiceId" = i."Id") = 1""", n);
        await Check("invoice.created events", """SELECT count(*) FROM events WHERE "Type" = 'invoice.created'""", n);
        await Check("payment.received events", """SELECT count(*) FROM events WHERE "Type" = 'payment.received'""", n);
        await Check("events (all)", """SELECT count(*) FROM events""", 2L * n);
        await Check("events quote their invoice's number",
            """
            SELECT count(*) FROM events e JOIN invoices i ON i."Id" = e."DataJson"::jsonb->>'invoiceId'
            WHERE e."DataJson"::jsonb->>'invoiceNumber' = i."Number"
            """, 2L * n);
        await Check("subscriptions advanced exactly one period",
            """
            SELECT count(*) FROM subscriptions WHERE "Status" = 'active' AND "Cycle" = 1
            AND "CurrentPeriodStart" = "BillingAnchor" + interval '1 month'
            AND "CurrentPeriodEnd" = "BillingAnchor" + interval '2 months'
            AND "NextActionAt" = "CurrentPeriodEnd" - interval '3 days'
            AND "LeaseOwner" IS NULL AND "LeaseUntil" IS NULL AND "Version" = 1
            """, n);
        await Check("distinct invoice numbers", """SELECT count(DISTINCT "Number") FROM invoices""", n);
        await Check("numbers are INV-000001..N (min)", """SELECT min(substr("Number", 5)::bigint) FROM invoices WHERE "Number" ~ '^INV-[0-9]{6,}$'""", 1);
        await Check("numbers are INV-000001..N (max)", """SELECT max(substr("Number", 5)::bigint) FROM invoices WHERE "Number" ~ '^INV-[0-9]{6,}$'""", n);
        await Check("well-formed numbers", """SELECT count(*) FROM invoices WHERE "Number" ~ '^INV-[0-9]{6,}$'""", n);
        await Check("counter", """SELECT "Next" FROM invoice_sequences WHERE "OrganizationId" = 'org_default' AND NOT "Livemode" """, n);
        return failures;
    }
}
