using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commet.Server.Tests;

/// <summary>
/// The billing engine on PostgreSQL, where it bills due subscriptions in chunks (one transaction per chunk, invoice
/// numbers taken as a block): every due step happens exactly once, numbers stay sequential without gaps, several
/// runs at once split the work, and a subscription that cannot be billed fails alone without taking a number.
/// Each test has its own database and a server without the background worker.
/// </summary>
public sealed class BillingEngineTests : IAsyncLifetime
{
    private const string Org = Organization.DefaultId;
    private readonly string database = "commet_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? factory;

    private string ConnectionString => new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString();

    private BillingEngine Engine => factory!.Services.GetRequiredService<BillingEngine>();

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        Directory.CreateDirectory(dataDir);
    }

    /// <summary>Starts the server (migrations, the default organization) with extra services if given.</summary>
    private void Start(Action<IServiceCollection>? configure = null)
    {
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Commet:DatabaseUrl", ConnectionString);
            b.UseSetting("Commet:DataDir", dataDir);
            b.UseSetting("Commet:Billing:Worker", "false");
            b.UseSetting("Commet:BootstrapSandboxKey", ServerFixture.SandboxKey);
            b.UseSetting("Logging:LogLevel:Default", "Critical");
            if (configure is not null)
            {
                b.ConfigureServices(configure);
            }
        });
        _ = factory.Services;
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task SeveralRunsAtOnce_BillEveryDueStepOnce_WithSequentialNumbers()
    {
        Start();
        var now = Now();
        // 250 monthly subscriptions due; #7's card fails, #8 cancels at period end, #9 is two periods behind.
        var subs = await SeedAsync(250, now, i => i switch
        {
            7 => new Spec(Card: "sandbox_fail_7"),
            8 => new Spec(CancelAtPeriodEnd: true),
            9 => new Spec(MonthsBehind: 2),
            _ => new Spec(),
        });

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Engine.RunAsync(new Tenant(Org, false), now, "http://localhost", default))));
        var again = await Engine.RunAsync(new Tenant(Org, false), now, "http://localhost", default);

        Assert.Equal(250, runs.Sum(r => r.InvoicesCreated)); // 247 + 1 failed charge + 0 canceled + 2 catching up
        Assert.Equal(250, runs.Sum(r => r.Processed));
        Assert.Equal(0, runs.Sum(r => r.Failed));
        Assert.Equal(0, again.Processed);

        await using var c = await OpenAsync();
        Assert.Equal(250, await ScalarAsync(c, """SELECT count(*) FROM invoices"""));
        Assert.Equal(250, await ScalarAsync(c, """SELECT count(DISTINCT "BillingKey") FROM invoices"""));
        await AssertNumbersAsync(c, 1, 250);
        Assert.Equal(250, await ScalarAsync(c, """SELECT count(*) FROM transactions"""));
        Assert.Equal(249, await ScalarAsync(c, """SELECT count(*) FROM transactions WHERE "Status" = 'succeeded'"""));
        Assert.Equal(250, await ScalarAsync(c, """SELECT count(DISTINCT "AttemptKey") FROM transactions"""));
        Assert.Equal(250, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "Type" = 'invoice.created'"""));
        Assert.Equal(249, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "Type" = 'payment.received'"""));
        Assert.Equal(1, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "Type" = 'payment.failed'"""));
        Assert.Equal(1, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "Type" = 'invoice.upcoming'"""));
        Assert.Equal(1, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "Type" = 'subscription.canceled'"""));
        // #7's invoice stays outstanding past its due date: reported overdue once, though four runs saw it.
        Assert.Equal(1, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "Type" = 'invoice.overdue'"""));
        // Every event that names an invoice quotes its number (given when the chunk was written), and nothing else.
        Assert.Equal(502, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "DataJson"::jsonb ? 'invoiceNumber'"""));
        Assert.Equal(502, await ScalarAsync(c, """
            SELECT count(*) FROM events e JOIN invoices i ON i."Id" = e."DataJson"::jsonb->>'invoiceId'
            WHERE e."DataJson"::jsonb->>'invoiceNumber' = i."Number"
            """));
        Assert.Equal(0, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "DataJson" LIKE '%#INV~%'"""));
        Assert.Equal(0, await ScalarAsync(c, """SELECT count(*) FROM subscriptions WHERE "LeaseOwner" IS NOT NULL OR "LeaseUntil" IS NOT NULL"""));
        Assert.Equal(247, await ScalarAsync(c, """SELECT count(*) FROM subscriptions WHERE "Status" = 'active' AND "Cycle" = 1"""));
        Assert.Equal("past_due", await TextAsync(c, $"""SELECT "Status" FROM subscriptions WHERE "Id" = '{subs[7]}'"""));
        Assert.Equal("canceled", await TextAsync(c, $"""SELECT "Status" FROM subscriptions WHERE "Id" = '{subs[8]}'"""));
        Assert.Equal(2, await ScalarAsync(c, $"""SELECT "Cycle" FROM subscriptions WHERE "Id" = '{subs[9]}'"""));
        Assert.Equal(2, await ScalarAsync(c, $"""SELECT count(*) FROM invoices WHERE "SubscriptionId" = '{subs[9]}'"""));
        Assert.Equal(0, await ScalarAsync(c, $"""SELECT count(*) FROM invoices WHERE "SubscriptionId" = '{subs[8]}'"""));
    }

    [Fact]
    public async Task ADeadlockOnAClaimOrOnTheOverduePass_IsTriedAgain_AndTheRunFinishes()
    {
        // Two nodes running the engine at once can deadlock on the rows they claim. Triggers make PostgreSQL raise a real
        // deadlock error (40P01) on the first two updates of a subscription — the chunk's save, which sends the chunk
        // down the one-by-one path, then that path's claim — and on the first overdue report; sequences (which a rollback
        // does not undo) count the tries. The run still bills everything once and reports #7 overdue once.
        Start();
        var now = Now();
        await SeedAsync(30, now, i => i == 7 ? new Spec(Card: "sandbox_fail_7") : new Spec());
        await using var c = await OpenAsync();
        await ExecAsync(c, """
            CREATE SEQUENCE subscription_tries; CREATE SEQUENCE overdue_tries;
            CREATE FUNCTION abort_first_subscription_updates() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
              IF nextval('subscription_tries') <= 2 THEN RAISE EXCEPTION 'deadlock detected (test)' USING ERRCODE = '40P01'; END IF;
              RETURN NEW;
            END $f$;
            CREATE TRIGGER abort_first_subscription_updates BEFORE UPDATE ON subscriptions FOR EACH ROW
              EXECUTE FUNCTION abort_first_subscription_updates();
            CREATE FUNCTION abort_first_overdue() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
              IF nextval('overdue_tries') = 1 THEN RAISE EXCEPTION 'deadlock detected (test)' USING ERRCODE = '40P01'; END IF;
              RETURN NEW;
            END $f$;
            CREATE TRIGGER abort_first_overdue BEFORE UPDATE ON invoices FOR EACH ROW
              WHEN (OLD."OverdueAt" IS NULL AND NEW."OverdueAt" IS NOT NULL) EXECUTE FUNCTION abort_first_overdue();
            """);

        var run = await Engine.RunAsync(new Tenant(Org, false), now, "http://localhost", default);

        Assert.Equal(30, run.Processed);
        Assert.Equal(0, run.Failed);
        Assert.Equal(30, run.InvoicesCreated); // 29 paid + #7's, whose charge failed
        Assert.True(await ScalarAsync(c, "SELECT last_value FROM subscription_tries") >= 3, "the aborted claim was not tried again");
        Assert.True(await ScalarAsync(c, "SELECT last_value FROM overdue_tries") >= 2, "the aborted overdue report was not tried again");
        Assert.Equal(30, await ScalarAsync(c, """SELECT count(*) FROM invoices"""));
        await AssertNumbersAsync(c, 1, 30);
        Assert.Equal(1, await ScalarAsync(c, """SELECT count(*) FROM events WHERE "Type" = 'invoice.overdue'"""));
        Assert.Equal(0, await ScalarAsync(c, """SELECT count(*) FROM subscriptions WHERE "LeaseOwner" IS NOT NULL"""));
    }

    [Fact]
    public async Task ASubscriptionThatCannotBeBilled_FailsAlone_AndTakesNoNumber()
    {
        Start();
        var now = Now();
        var subs = await SeedAsync(150, now, _ => new Spec());
        await using var c = await OpenAsync();
        // Numbers already used before the run (the API's invoices), and an invoice that already bills #42's next period,
        // so #42's renewal breaks the unique billing key — inside the first chunk of 100.
        await ExecAsync(c, $"""UPDATE invoice_sequences SET "Next" = 5 WHERE "OrganizationId" = '{Org}' AND NOT "Livemode" """);
        await ExecAsync(c, $"""INSERT INTO invoice_sequences ("OrganizationId", "Livemode", "Next") SELECT '{Org}', false, 5 WHERE NOT EXISTS (SELECT 1 FROM invoice_sequences)""");
        var periodStart = EventRecorder.Iso(await TimeAsync(c, $"""SELECT "CurrentPeriodEnd" FROM subscriptions WHERE "Id" = '{subs[42]}'"""));
        await ExecAsync(c, $"""
            INSERT INTO invoices ("Id","OrganizationId","Livemode","CustomerId","SubscriptionId","Number","Type","Status","Currency","Subtotal","DiscountAmount",
              "TaxAmount","Total","PeriodStart","PeriodEnd","IssueDate","DueDate","BillingKey","CreatedAt","UpdatedAt")
            SELECT 'inv_conflict', "OrganizationId", false, "CustomerId", "Id", 'INV-000005', 'recurring', 'paid', 'USD', 0, 0, 0, 0,
              now(), now(), now(), now(), 'renewal:{subs[42]}:{periodStart}', now(), now()
            FROM subscriptions WHERE "Id" = '{subs[42]}'
            """);

        var run = await Engine.RunAsync(new Tenant(Org, false), now, "http://localhost", default);
        var again = await Engine.RunAsync(new Tenant(Org, false), now, "http://localhost", default);

        Assert.Equal(1, run.Failed);
        Assert.Equal(149, run.InvoicesCreated);
        Assert.Equal(0, again.Processed); // #42 keeps its lease until it expires
        Assert.Equal(150, await ScalarAsync(c, """SELECT count(*) FROM invoices"""));
        await AssertNumbersAsync(c, 5, 154); // INV-000005 (the one that was there) and 6..154, no gap where #42's would have been
        Assert.Equal(154, await ScalarAsync(c, $"""SELECT "Next" FROM invoice_sequences WHERE "OrganizationId" = '{Org}' AND NOT "Livemode" """));
        Assert.Equal(149, await ScalarAsync(c, """SELECT count(*) FROM transactions WHERE "Status" = 'succeeded'"""));
        Assert.Equal(149, await ScalarAsync(c, """SELECT count(*) FROM subscriptions WHERE "Cycle" = 1 AND "LeaseOwner" IS NULL"""));
        Assert.Equal(0, await ScalarAsync(c, $"""SELECT "Cycle" FROM subscriptions WHERE "Id" = '{subs[42]}' AND "LeaseOwner" IS NOT NULL"""));
        Assert.Equal(0, await ScalarAsync(c, $"""SELECT count(*) FROM events WHERE "SubscriptionId" = '{subs[42]}'"""));
    }

    [Fact]
    public async Task AnInvoiceNumberCopiedWhereTheEngineDoesNotLook_FailsTheChunk_AndIsBilledOneByOne()
    {
        // A renewal line source that writes the invoice's number into its line: in a chunk that is still a placeholder,
        // which must never be saved. The chunk is refused and its subscriptions are billed one at a time, with real numbers.
        Start(s => s.AddSingleton<IRenewalLineSource, NumberEchoLines>());
        var now = Now();
        await SeedAsync(30, now, _ => new Spec());

        var run = await Engine.RunAsync(new Tenant(Org, false), now, "http://localhost", default);

        Assert.Equal(30, run.InvoicesCreated);
        Assert.Equal(0, run.Failed);
        await using var c = await OpenAsync();
        await AssertNumbersAsync(c, 1, 30);
        Assert.Equal(30, await ScalarAsync(c, """
            SELECT count(*) FROM invoice_lines l JOIN invoices i ON i."Id" = l."InvoiceId" WHERE l."Description" = 'Number ' || i."Number"
            """));
        Assert.Equal(0, await ScalarAsync(c, """SELECT count(*) FROM invoice_lines WHERE "Description" LIKE '%#INV~%'"""));
    }

    [Fact]
    public async Task AChunkWritesItsChargesAndLinesBeforeTakingNumbers_AndItsInvoicesAndEventsAfter()
    {
        // The invoice counter is what concurrent chunks wait for, so a chunk takes its numbers as late as it can: its
        // charges, emails and invoice lines (which quote no number; the lines' key to their invoice is checked at the
        // commit) are already written then, its invoices and events not yet.
        // A trigger on the counter records, inside the chunk's transaction, what the chunk had written at that moment.
        Start();
        var now = Now();
        await SeedAsync(30, now, _ => new Spec());
        await using var c = await OpenAsync();
        await ExecAsync(c, """
            CREATE TABLE counter_taken (charges bigint, charged bigint, emails bigint, invoices bigint, lines bigint, events bigint);
            CREATE FUNCTION note_counter_taken() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
              INSERT INTO counter_taken SELECT
                (SELECT count(*) FROM transactions), (SELECT coalesce(sum("Amount"), 0) FROM transactions WHERE "Status" = 'succeeded'),
                (SELECT count(*) FROM email_messages), (SELECT count(*) FROM invoices), (SELECT count(*) FROM invoice_lines),
                (SELECT count(*) FROM events WHERE "Type" IN ('invoice.created', 'payment.received'));
              RETURN NEW;
            END $f$;
            CREATE TRIGGER note_counter_taken BEFORE UPDATE ON invoice_sequences FOR EACH ROW EXECUTE FUNCTION note_counter_taken();
            """);

        var run = await Engine.RunAsync(new Tenant(Org, false), now, "http://localhost", default);

        Assert.Equal(30, run.InvoicesCreated);
        Assert.Equal(0, run.Failed);
        await AssertNumbersAsync(c, 1, 30);
        // One chunk of 30, so the counter was taken once, for 30 numbers.
        Assert.Equal(1, await ScalarAsync(c, """SELECT count(*) FROM counter_taken"""));
        Assert.Equal(30, await ScalarAsync(c, """SELECT charges FROM counter_taken"""));
        Assert.Equal(147_000, await ScalarAsync(c, """SELECT charged FROM counter_taken""")); // 30 renewals × $49.00 = 30 × 4,900 = 147,000 cents
        Assert.Equal(await ScalarAsync(c, """SELECT count(*) FROM email_messages"""), await ScalarAsync(c, """SELECT emails FROM counter_taken"""));
        Assert.Equal(30, await ScalarAsync(c, """SELECT lines FROM counter_taken""")); // one line per renewal
        Assert.Equal(0, await ScalarAsync(c, """SELECT invoices + events FROM counter_taken"""));
        // And afterwards everything is there, the events quoting the numbers the invoices got.
        Assert.Equal(30, await ScalarAsync(c, """SELECT count(*) FROM invoice_lines"""));
        Assert.Equal(147_000, await ScalarAsync(c, """SELECT sum("Total") FROM invoices"""));
        Assert.Equal(60, await ScalarAsync(c, """
            SELECT count(*) FROM events e JOIN invoices i ON i."Id" = e."DataJson"::jsonb->>'invoiceId'
            WHERE e."Type" IN ('invoice.created', 'payment.received') AND e."DataJson"::jsonb->>'invoiceNumber' = i."Number"
            """));
    }

    [Fact]
    public async Task TheInvoiceLinesKey_CanBeDeferred_AndIsStillCheckedAtTheCommit()
    {
        // The chunk writes its lines before its invoices with the lines' key deferred (migration Renew made it
        // DEFERRABLE INITIALLY IMMEDIATE). Outside such a transaction it is checked per statement as before; deferred,
        // a line whose invoice never comes still fails — at the commit — and nothing of the transaction stays.
        Start();
        await using var c = await OpenAsync();
        Assert.Equal(1, await ScalarAsync(c, """
            SELECT count(*) FROM pg_constraint
            WHERE conname = 'FK_invoice_lines_invoices_InvoiceId' AND condeferrable AND NOT condeferred
            """));
        const string orphan = """
            INSERT INTO invoice_lines ("InvoiceId","Position","LineType","Description","Quantity","UnitAmount","UnitAmountIsRate","Amount","ChargeType")
            VALUES ('inv_missing', 0, 'base', 'orphan', 1, 100, false, 100, 'base')
            """;
        var immediate = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(c, orphan));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, immediate.SqlState);

        await using (var tx = await c.BeginTransactionAsync())
        {
            await using (var defer = new NpgsqlCommand("""SET CONSTRAINTS "FK_invoice_lines_invoices_InvoiceId" DEFERRED""", c, tx))
            {
                await defer.ExecuteNonQueryAsync();
            }
            await using (var insert = new NpgsqlCommand(orphan, c, tx))
            {
                await insert.ExecuteNonQueryAsync(); // accepted for now
            }
            var atCommit = await Assert.ThrowsAsync<PostgresException>(() => tx.CommitAsync());
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, atCommit.SqlState);
        }
        Assert.Equal(0, await ScalarAsync(c, """SELECT count(*) FROM invoice_lines"""));
    }

    private sealed class NumberEchoLines : IRenewalLineSource
    {
        public Task AddLinesAsync(BillingScope scope, Subscription subscription, Invoice invoice, string endedPlanId, DateTime endedPeriodStart,
            DateTime endedPeriodEnd, CancellationToken ct)
        {
            invoice.AddLine(new InvoiceLine { LineType = LineTypes.OneTime, Description = "Number " + invoice.Number, Amount = 0 });
            return Task.CompletedTask;
        }

        public Task AddAdvanceLinesAsync(BillingScope scope, Subscription subscription, Invoice invoice, CancellationToken ct) => Task.CompletedTask;
    }

    [Fact]
    public async Task ALargeRunOnAnInvoicesTableWithEmptyStatistics_AnalyzesIt_AndAnEstablishedTableIsLeftAlone()
    {
        // The planner's statistics say "empty" (the table analyzed before any invoice existed) and autovacuum is off for
        // it, so only the engine can correct them. With empty statistics the key check of each invoice line can walk the
        // (organization, mode, id) index instead of the primary key (Persistence/PlannerStatistics.cs).
        Start();
        var now = Now();
        await SeedAsync(600, now, _ => new Spec());
        await using var c = await OpenAsync();
        await ExecAsync(c, """ALTER TABLE invoices SET (autovacuum_enabled = false); ANALYZE invoices""");
        Assert.Equal(0, await ScalarAsync(c, """SELECT reltuples::bigint FROM pg_class WHERE oid = 'invoices'::regclass"""));

        var run = await Engine.RunAsync(new Tenant(Org, false), now, "http://localhost", default);

        Assert.Equal(600, run.InvoicesCreated);
        // Checked once, after the run's first BillingEngine.StatisticsCheckAfter (500) invoices: chunks of 100, two at a
        // time, so 500 or 600 invoices were committed when it analyzed.
        var counted = await ScalarAsync(c, """SELECT reltuples::bigint FROM pg_class WHERE oid = 'invoices'::regclass""");
        Assert.InRange(counted, BillingEngine.StatisticsCheckAfter, 600);
        // Statistics that already count more than half of what a run wrote are left alone (no ANALYZE on a large table).
        await using var db = await factory!.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContextAsync();
        Assert.False(await PlannerStatistics.RefreshInvoicesIfBehindAsync(db, 2 * counted, default));
        Assert.True(await PlannerStatistics.RefreshInvoicesIfBehindAsync(db, 2 * counted + 2, default));
        Assert.Equal(600, await ScalarAsync(c, """SELECT reltuples::bigint FROM pg_class WHERE oid = 'invoices'::regclass"""));
    }

    private sealed record Spec(string Card = "sandbox_ok_x", bool CancelAtPeriodEnd = false, int MonthsBehind = 1);

    private static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    /// <summary>Monthly subscriptions of 4900 whose period ended in the last hour (or earlier), each customer with a default card.</summary>
    private async Task<string[]> SeedAsync(int n, DateTime now, Func<int, Spec> spec)
    {
        await using var c = await OpenAsync();
        var planId = Ids.New(Ids.Plan);
        await ExecAsync(c, $"""
            INSERT INTO plans ("Id","OrganizationId","Livemode","Code","Name","IsPublic","IsDefault","IsFree","SortOrder","CreatedAt","UpdatedAt")
            VALUES ('{planId}', '{Org}', false, 'pro', 'Pro', true, false, false, 0, now(), now());
            INSERT INTO plan_prices ("Id","PlanId","BillingInterval","Price","IsDefault","TrialDays","IntroOfferEnabled","CreatedAt","UpdatedAt")
            VALUES ('{Ids.New(Ids.Price)}', '{planId}', 'monthly', 4900, true, 0, false, now(), now());
            """);
        var subs = new string[n];
        await using var batch = new NpgsqlBatch(c);
        for (var i = 0; i < n; i++)
        {
            var s = spec(i);
            var customer = Ids.New(Ids.Customer);
            subs[i] = Ids.New(Ids.Subscription);
            var anchor = now.AddSeconds(-1 - i).AddMonths(-s.MonthsBehind);
            var end = anchor.AddMonths(1);
            var customerCmd = new NpgsqlBatchCommand("""
                INSERT INTO customers ("Id","OrganizationId","Livemode","Email","CreatedAt","UpdatedAt") VALUES ($1, $2, false, $3, $4, $4);
                """);
            customerCmd.Parameters.Add(new() { Value = customer });
            customerCmd.Parameters.Add(new() { Value = Org });
            customerCmd.Parameters.Add(new() { Value = $"c{i}@example.com" });
            customerCmd.Parameters.Add(new() { Value = anchor });
            batch.BatchCommands.Add(customerCmd);
            var cardCmd = new NpgsqlBatchCommand("""
                INSERT INTO payment_methods ("Id","OrganizationId","Livemode","CustomerId","Provider","ProviderReference","Brand","Last4","ExpMonth","ExpYear","Fingerprint","IsDefault","CreatedAt")
                VALUES ($1, $2, false, $3, 'commet', $4, 'visa', '4242', 12, 2099, 'f', true, $5);
                """);
            cardCmd.Parameters.Add(new() { Value = Ids.New(Ids.PaymentMethod) });
            cardCmd.Parameters.Add(new() { Value = Org });
            cardCmd.Parameters.Add(new() { Value = customer });
            cardCmd.Parameters.Add(new() { Value = s.Card });
            cardCmd.Parameters.Add(new() { Value = anchor });
            batch.BatchCommands.Add(cardCmd);
            var subCmd = new NpgsqlBatchCommand("""
                INSERT INTO subscriptions ("Id","OrganizationId","Livemode","CustomerId","PlanId","BillingInterval","Status","Currency","BasePrice",
                  "PaidForCurrentPeriod","BillingAnchor","Cycle","CurrentPeriodStart","CurrentPeriodEnd","StartDate","CancelAtPeriodEnd","DunningRetries",
                  "NextActionAt","UpcomingSentFor","InitialSeats","CreatedAt","UpdatedAt","Version")
                VALUES ($1, $2, false, $3, $4, 'monthly', 'active', 'USD', 4900, 4900, $5, 0, $5, $6, $5, $7, 0, $6, $6, 0, $5, $5, 0);
                """);
            subCmd.Parameters.Add(new() { Value = subs[i] });
            subCmd.Parameters.Add(new() { Value = Org });
            subCmd.Parameters.Add(new() { Value = customer });
            subCmd.Parameters.Add(new() { Value = planId });
            subCmd.Parameters.Add(new() { Value = anchor });
            subCmd.Parameters.Add(new() { Value = end });
            subCmd.Parameters.Add(new() { Value = s.CancelAtPeriodEnd });
            batch.BatchCommands.Add(subCmd);
        }
        await batch.ExecuteNonQueryAsync();
        return subs;
    }

    private static async Task AssertNumbersAsync(NpgsqlConnection c, long first, long last)
    {
        var count = last - first + 1;
        Assert.Equal(count, await ScalarAsync(c, """SELECT count(DISTINCT "Number") FROM invoices WHERE "Number" ~ '^INV-[0-9]{6}$'"""));
        Assert.Equal(first, await ScalarAsync(c, """SELECT min(substr("Number", 5)::bigint) FROM invoices"""));
        Assert.Equal(last, await ScalarAsync(c, """SELECT max(substr("Number", 5)::bigint) FROM invoices"""));
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        return c;
    }

    private static async Task ExecAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string?> TextAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return (string?)await cmd.ExecuteScalarAsync();
    }

    private static async Task<DateTime> TimeAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return (DateTime)(await cmd.ExecuteScalarAsync())!;
    }
}
