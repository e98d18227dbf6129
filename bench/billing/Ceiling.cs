using System.Diagnostics;
using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Npgsql;
using NpgsqlTypes;

namespace Commet.Bench.Billing;

/// <summary>
/// The raw PostgreSQL ceiling of the same run: binary COPY of N invoice rows (and, separately, of every row one
/// renewal writes: invoice, line, transaction and two events) into empty copies of the real tables, with the
/// same indexes. Rows are built before the clock starts, so only the database's share is timed.
/// </summary>
public static class Ceiling
{
    public sealed record Result(double InvoicesSeconds, double AllRowsSeconds, long AllRows);

    public static async Task<Result> MeasureAsync(NpgsqlConnection c, int n, DateTime now, CancellationToken ct)
    {
        foreach (var t in new[] { "invoices", "invoice_lines", "transactions", "events" })
        {
            await ExecAsync(c, $"""DROP TABLE IF EXISTS ceiling_{t}; CREATE TABLE ceiling_{t} (LIKE {t} INCLUDING ALL)""", ct);
        }
        var rows = new Row[n];
        for (var i = 0; i < n; i++)
        {
            var sub = Ids.New(Ids.Subscription);
            var inv = Ids.New(Ids.Invoice);
            var start = now.AddSeconds(-i % 3600);
            rows[i] = new Row(inv, Ids.New(Ids.Customer), sub, InvoiceNumbers.Format(i + 1), $"renewal:{sub}:{start:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}",
                start, start.AddMonths(1), Ids.New(Ids.Transaction), Ids.New(Ids.Event), Ids.New(Ids.Event),
                JsonSerializer.Serialize(new
                {
                    invoiceId = inv, invoiceNumber = InvoiceNumbers.Format(i + 1), invoiceStatus = "outstanding", periodStart = start, periodEnd = start.AddMonths(1),
                    issueDate = start, dueDate = start, currency = "USD", subtotal = 4900, total = 4900, customerId = "cus_x", subscriptionId = sub,
                }),
                JsonSerializer.Serialize(new
                {
                    invoiceId = inv, invoiceNumber = InvoiceNumbers.Format(i + 1), invoiceTotal = 4900, customerId = "cus_x", subscriptionId = sub,
                    paymentTransactionId = "txn_x", provider = "commet", grossAmount = 4900, currency = "USD", orgNetAmount = 4900,
                    customerEmail = (string?)null, paidAt = start,
                }));
        }

        var sw = Stopwatch.StartNew();
        await CopyInvoicesAsync(c, rows, now, ct);
        var invoicesSeconds = sw.Elapsed.TotalSeconds;

        await ExecAsync(c, "TRUNCATE ceiling_invoices", ct);
        sw.Restart();
        await CopyInvoicesAsync(c, rows, now, ct);
        await using (var w = await c.BeginBinaryImportAsync(
            """COPY ceiling_invoice_lines ("InvoiceId","Position","LineType","Description","Quantity","UnitAmount","UnitAmountIsRate","Amount","ChargeType") FROM STDIN (FORMAT BINARY)""", ct))
        {
            foreach (var r in rows)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(r.InvoiceId, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(0, NpgsqlDbType.Integer, ct);
                await w.WriteAsync("plan_base", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync("Pro (Jan 1, 2026 – Feb 1, 2026)", NpgsqlDbType.Text, ct);
                await w.WriteAsync(1m, NpgsqlDbType.Numeric, ct);
                await w.WriteAsync(Seeder.Price, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync(Seeder.Price, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync("advance", NpgsqlDbType.Text, ct);
            }
            await w.CompleteAsync(ct);
        }
        await using (var w = await c.BeginBinaryImportAsync(
            """COPY ceiling_transactions ("Id","OrganizationId","Livemode","CustomerId","InvoiceId","PaymentMethodId","Amount","TaxAmount","Currency","Provider","Status","AttemptKey","PaidAt","CreatedAt","UpdatedAt") FROM STDIN (FORMAT BINARY)""", ct))
        {
            foreach (var r in rows)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(r.TransactionId, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(Seeder.Org, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync(r.CustomerId, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.InvoiceId, NpgsqlDbType.Text, ct);
                await w.WriteAsync("pm_x", NpgsqlDbType.Text, ct);
                await w.WriteAsync(Seeder.Price, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(0L, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync("USD", NpgsqlDbType.Text, ct);
                await w.WriteAsync("commet", NpgsqlDbType.Text, ct);
                await w.WriteAsync("succeeded", NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.InvoiceId + ":charge", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(r.Start, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(r.Start, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(r.Start, NpgsqlDbType.TimestampTz, ct);
            }
            await w.CompleteAsync(ct);
        }
        await using (var w = await c.BeginBinaryImportAsync(
            """COPY ceiling_events ("Id","OrganizationId","Livemode","Type","DataJson","SubscriptionId","CustomerId","OccurredAt","CreatedAt") FROM STDIN (FORMAT BINARY)""", ct))
        {
            foreach (var r in rows)
            {
                foreach (var (id, type, json) in new[] { (r.CreatedEventId, "invoice.created", r.CreatedJson), (r.PaidEventId, "payment.received", r.PaidJson) })
                {
                    await w.StartRowAsync(ct);
                    await w.WriteAsync(id, NpgsqlDbType.Varchar, ct);
                    await w.WriteAsync(Seeder.Org, NpgsqlDbType.Varchar, ct);
                    await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                    await w.WriteAsync(type, NpgsqlDbType.Varchar, ct);
                    await w.WriteAsync(json, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(r.SubscriptionId, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(r.CustomerId, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(r.Start, NpgsqlDbType.TimestampTz, ct);
                    await w.WriteAsync(r.Start, NpgsqlDbType.TimestampTz, ct);
                }
            }
            await w.CompleteAsync(ct);
        }
        var allSeconds = sw.Elapsed.TotalSeconds;

        foreach (var t in new[] { "invoices", "invoice_lines", "transactions", "events" })
        {
            await ExecAsync(c, $"DROP TABLE ceiling_{t}", ct);
        }
        return new Result(invoicesSeconds, allSeconds, 5L * n);
    }

    private static async Task CopyInvoicesAsync(NpgsqlConnection c, Row[] rows, DateTime now, CancellationToken ct)
    {
        await using var w = await c.BeginBinaryImportAsync(
            """
            COPY ceiling_invoices ("Id","OrganizationId","Livemode","CustomerId","SubscriptionId","Number","Type","Status","Currency","Subtotal",
              "DiscountAmount","TaxAmount","Total","PeriodStart","PeriodEnd","IssueDate","DueDate","PlanName","PaidAt","BillingKey","CreatedAt","UpdatedAt")
            FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var r in rows)
        {
            await w.StartRowAsync(ct);
            await w.WriteAsync(r.InvoiceId, NpgsqlDbType.Varchar, ct);
            await w.WriteAsync(Seeder.Org, NpgsqlDbType.Varchar, ct);
            await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
            await w.WriteAsync(r.CustomerId, NpgsqlDbType.Text, ct);
            await w.WriteAsync(r.SubscriptionId, NpgsqlDbType.Text, ct);
            await w.WriteAsync(r.Number, NpgsqlDbType.Varchar, ct);
            await w.WriteAsync("recurring", NpgsqlDbType.Varchar, ct);
            await w.WriteAsync("paid", NpgsqlDbType.Varchar, ct);
            await w.WriteAsync("USD", NpgsqlDbType.Text, ct);
            await w.WriteAsync(Seeder.Price, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(0L, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(0L, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(Seeder.Price, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(r.Start, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(r.End, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(r.Start, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(r.Start, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync("Pro", NpgsqlDbType.Text, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(r.BillingKey, NpgsqlDbType.Varchar, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }
        await w.CompleteAsync(ct);
    }

    private static async Task ExecAsync(NpgsqlConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed record Row(string InvoiceId, string CustomerId, string SubscriptionId, string Number, string BillingKey, DateTime Start, DateTime End,
        string TransactionId, string CreatedEventId, string PaidEventId, string CreatedJson, string PaidJson);
}
