using System.Net;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UglyToad.PdfPig;
using static Commet.Server.Tests.Infrastructure.BillingSetup;

namespace Commet.Server.Tests;

/// <summary>
/// An issued invoice is a document: its bill-to and seller blocks are frozen when it is issued, so the portal page and
/// the PDF read the same after the customer (through the API or the portal) or the organization changes its details.
/// </summary>
public abstract class InvoiceFreezeTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly object Seller = new
    {
        supportEmail = "billing@globex.example",
        seller = new
        {
            legalName = "Globex Cloud S.L.",
            taxId = "ESB12345678",
            address = new { line1 = "Calle Mayor 1", line2 = "Planta 2", city = "Madrid", postalCode = "28013", country = "es" },
        },
    };

    private static readonly string[] AsIssued =
    [
        "Ia Ltd", "accounts@ia.example", "1 King St", "EC2V 7HH London", "United Kingdom", "Tax ID: GB123456789",
        "Globex Cloud S.L.", "Calle Mayor 1", "Planta 2", "28013 Madrid", "Spain", "Tax ID: ESB12345678", "billing@globex.example",
        "$28,500.00",
    ];

    [Fact]
    public async Task IssuedInvoice_KeepsItsBillToAndSeller_WhenTheCustomerAndTheOrganizationChangeTheirDetails()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PutJson("/api/v1/portal/settings", Seller).Ok();
        await api.PostJson("/api/v1/customers", new
        {
            id = "ia", email = "accounts@ia.example", fullName = "Ia Ltd", taxDocument = "GB123456789",
            address = new { line1 = "1 King St", city = "London", postalCode = "EC2V 7HH", country = "GB" },
        }).Ok();
        await api.Card("ia", GoodCard);
        await api.Plan("scale", 2_850_000); // 2,850,000 cents = $28,500.00 a month
        await api.Subscribe("ia", "scale");
        var first = Assert.Single((await api.GetJson("/api/v1/invoices?customerId=ia").Ok()).AsArray())!.Str("id");
        using var portal = await PortalClient.OpenAsync(server, api, "ia");

        var html = await InvoiceMainAsync(portal, first);
        var pdf = await PortalPdfTextAsync(portal, first);
        var linked = await LinkPdfTextAsync(api, first);

        foreach (var text in AsIssued)
        {
            Assert.Contains(text, html, StringComparison.Ordinal);
            Assert.Contains(text, pdf, StringComparison.Ordinal);
        }
        Assert.Equal(pdf, linked); // the portal and the signed link render the same frozen blocks

        // The customer changes everything through the API.
        await api.PutJson("/api/v1/customers/ia", new
        {
            fullName = "Ia Holdings", email = "finance@ia.example", taxDocument = "GB000000001",
            address = new { line1 = "2 Park Row", city = "Leeds", postalCode = "LS1 5HD", country = "IE" },
        }).Ok();
        await AssertUnchangedAsync();

        // …and again through the portal's billing details page.
        var saved = await portal.SubmitAsync("/portal/billing-details", "/portal/billing-details", new Dictionary<string, string?>
        {
            ["FullName"] = "Ia Group", ["Email"] = "ap@ia.example", ["TaxId"] = "FR12345678901",
            ["Line1"] = "5 Rue de Rivoli", ["City"] = "Paris", ["PostalCode"] = "75001", ["Country"] = "FR",
        });
        Assert.Equal("/portal/billing-details?m=details_saved", saved.Location);
        await AssertUnchangedAsync();

        // The organization changes its legal details.
        await api.PutJson("/api/v1/portal/settings", new { supportEmail = "", seller = new { legalName = "Globex Holdings S.L.", taxId = "ESB87654321" } }).Ok();
        await AssertUnchangedAsync();

        // A new invoice carries the details of today.
        var second = (await api.PostJson("/api/v1/invoices", new { customerId = "ia", amount = 1500, description = "Onboarding" }).Ok(HttpStatusCode.Created)).Str("id");
        var newHtml = await InvoiceMainAsync(portal, second);
        var newPdf = await PortalPdfTextAsync(portal, second);
        foreach (var text in new[] { "Ia Group", "ap@ia.example", "5 Rue de Rivoli", "75001 Paris", "France", "Tax ID: FR12345678901", "Globex Holdings S.L.", "Tax ID: ESB87654321", "Calle Mayor 1" })
        {
            Assert.Contains(text, newHtml, StringComparison.Ordinal);
            Assert.Contains(text, newPdf, StringComparison.Ordinal);
        }
        foreach (var text in new[] { "Ia Ltd", "accounts@ia.example", "United Kingdom", "Globex Cloud S.L.", "billing@globex.example" })
        {
            Assert.DoesNotContain(text, newHtml, StringComparison.Ordinal);
            Assert.DoesNotContain(text, newPdf, StringComparison.Ordinal);
        }

        async Task AssertUnchangedAsync()
        {
            Assert.Equal(html, await InvoiceMainAsync(portal, first));
            Assert.Equal(pdf, await PortalPdfTextAsync(portal, first));
            Assert.Equal(pdf, await LinkPdfTextAsync(api, first));
        }
    }

    [Fact]
    public async Task SellerSettings_AreReturnedByGet_AndValidated()
    {
        var t = await server.NewTenantAsync();

        var empty = await t.Api.GetJson("/api/v1/portal/settings").Ok();
        var set = await t.Api.PutJson("/api/v1/portal/settings", Seller).Ok();
        var renamed = await t.Api.PutJson("/api/v1/portal/settings", new { seller = new { legalName = "Globex Holdings S.L." } }).Ok();
        var bad = await t.Api.PutJson("/api/v1/portal/settings", new
        {
            seller = new { legalName = new string('x', 256), taxId = "A\u0001B", address = new { line1 = "", country = "XX" } },
        });
        var partial = await t.Api.PutJson("/api/v1/portal/settings", new { seller = new { address = new { line1 = "" } } });
        var cleared = await t.Api.PutJson("/api/v1/portal/settings", new
        {
            seller = new { legalName = "", taxId = "", address = new { line1 = "", line2 = "", city = "", postalCode = "", country = "" } },
        }).Ok();

        Assert.Null(empty["seller"]!["legalName"]);
        Assert.Null(empty["seller"]!["address"]);
        Assert.Equal(("Globex Cloud S.L.", "ESB12345678"), (set["seller"]!.Str("legalName"), set["seller"]!.Str("taxId")));
        var address = set["seller"]!["address"]!;
        Assert.Equal(("Calle Mayor 1", "Planta 2", "Madrid", "28013", "ES"),
            (address.Str("line1"), address.Str("line2"), address.Str("city"), address.Str("postalCode"), address.Str("country")));
        Assert.Equal(("Globex Holdings S.L.", "ESB12345678", "Madrid"),
            (renamed["seller"]!.Str("legalName"), renamed["seller"]!.Str("taxId"), renamed["seller"]!["address"]!.Str("city")));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (bad.Status, bad.ErrorCode));
        Assert.Equal(["seller.address.country", "seller.legalName", "seller.taxId"], bad.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(["seller.address.line1"], partial.ErrorFields);
        Assert.Null(cleared["seller"]!["legalName"]);
        Assert.Null(cleared["seller"]!["taxId"]);
        Assert.Null(cleared["seller"]!["address"]);
    }

    /// <summary>The document part of the portal's invoice page (the header around it shows who is signed in today).</summary>
    private static async Task<string> InvoiceMainAsync(PortalClient portal, string invoiceId)
    {
        var page = await portal.GetAsync($"/portal/invoices/{invoiceId}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var start = page.Html.IndexOf("<main", StringComparison.Ordinal);
        var end = page.Html.IndexOf("</main>", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the page has a main region");
        return page.Html[start..end];
    }

    private static async Task<string> PortalPdfTextAsync(PortalClient portal, string invoiceId) =>
        PdfText(await portal.GetBytesAsync($"/portal/invoices/{invoiceId}?handler=pdf"));

    private static async Task<string> LinkPdfTextAsync(HttpClient api, string invoiceId)
    {
        var url = (await api.GetJson($"/api/v1/invoices/{invoiceId}/download").Ok()).Str("url");
        using var anonymous = new HttpClient();
        return PdfText(await anonymous.GetByteArrayAsync(url));
    }

    internal static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }
}

public sealed class InvoiceFreezeTests_Sqlite(SqliteServer server) : InvoiceFreezeTests<SqliteServer>(server);

public sealed class InvoiceFreezeTests_Postgres(PostgresServer server) : InvoiceFreezeTests<PostgresServer>(server);

/// <summary>
/// Renewals by the billing engine on PostgreSQL, where a chunk of subscriptions is billed in one transaction and its
/// invoices are written with COPY: the renewal invoice carries the bill-to of renewal time and the seller block too.
/// </summary>
public sealed class InvoiceFreezeEngineTests : IAsyncLifetime
{
    private readonly string database = "commet_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
    private readonly SnapshotSpy spy = new();
    private WebApplicationFactory<Program>? factory;

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        Directory.CreateDirectory(dataDir);
        var connection = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString();
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Commet:DatabaseUrl", connection);
            b.UseSetting("Commet:DataDir", dataDir);
            b.UseSetting("Commet:Billing:Worker", "false");
            b.UseSetting("Commet:BootstrapSandboxKey", ServerFixture.SandboxKey);
            b.UseSetting("Logging:LogLevel:Default", "Critical");
            b.ConfigureServices(s => s.AddSingleton<IRenewalLineSource>(spy));
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
    public async Task RenewalInAChunk_CarriesTheBillToOfRenewalTime_AndKeepsIt()
    {
        var api = factory!.CreateClient();
        api.DefaultRequestHeaders.Add("x-api-key", ServerFixture.SandboxKey);
        await api.SetClock(BillingApi.Utc(2027, 1, 31));
        await api.PutJson("/api/v1/portal/settings", new
        {
            seller = new { legalName = "Globex Cloud S.L.", taxId = "ESB12345678", address = new { line1 = "Calle Mayor 1", city = "Madrid", postalCode = "28013", country = "ES" } },
        }).Ok();
        await api.Plan("pro", 4900);
        var names = new[] { "ann", "bob", "cy" };
        foreach (var name in names)
        {
            await api.PostJson("/api/v1/customers", new
            {
                id = name, email = $"{name}@old.example", fullName = $"{name} Old Ltd", taxDocument = $"OLD-{name}",
                address = new { line1 = "1 Old Rd", city = "London", postalCode = "E1 6AN", country = "GB" },
            }).Ok();
            await api.Card(name, GoodCard);
            await api.Subscribe(name, "pro");
        }
        // The first renewal (Feb 28); it also sends the first period's notice, so it is not the one step of a chunk.
        await api.RunUntil(BillingApi.Utc(2027, 2, 28));
        foreach (var name in names)
        {
            // Changed before the second renewal: that invoice must carry these.
            await api.PutJson($"/api/v1/customers/{name}", new
            {
                fullName = $"{name} New GmbH", email = $"{name}@new.example", taxDocument = $"DE-{name}",
                address = new { line1 = "2 Neue Str", city = "Berlin", postalCode = "10115", country = "DE" },
            }).Ok();
        }
        // The "3 days before" notice (Mar 28) first, so that the renewal (Mar 31) is the one step due when the chunk runs:
        // a chunk does one step per subscription, and further steps go one at a time.
        await api.RunUntil(BillingApi.Utc(2027, 3, 30));
        spy.Seen.Clear();
        var run = await api.RunUntil(BillingApi.Utc(2027, 3, 31));
        foreach (var name in names)
        {
            // Changed after the renewal: nothing on the renewal invoice moves.
            await api.PutJson($"/api/v1/customers/{name}", new { fullName = $"{name} Later Inc", email = $"{name}@later.example", taxDocument = "LATER" }).Ok();
        }

        Assert.Equal(3, run["invoicesCreated"]!.GetValue<int>());
        // Billed in one chunk: the steps saw placeholder numbers, and the blocks were already on the invoices before the COPY.
        Assert.Equal(3, spy.Seen.Count);
        Assert.All(spy.Seen, s => Assert.StartsWith("#INV~", s.Number, StringComparison.Ordinal));
        Assert.Equal(names.Select(n => $"{n} New GmbH").Order(), spy.Seen.Select(s => s.BillToName!).Order());
        Assert.All(spy.Seen, s => Assert.Equal("Globex Cloud S.L.", s.SellerName));

        await using var scope = factory.Services.CreateAsyncScope();
        await using var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<Commet.Server.Persistence.CommetDb>>().CreateDbContext();
        db.ScopeTo(Commet.Domain.Organization.DefaultId, false);
        var renewals = await db.Invoices.AsNoTracking().Where(i => i.PeriodStart == BillingApi.Utc(2027, 3, 31)).OrderBy(i => i.Number).ToListAsync();
        Assert.Equal(3, renewals.Count);
        foreach (var invoice in renewals)
        {
            var name = names.Single(n => invoice.BillToName == $"{n} New GmbH");
            Assert.Equal(new InvoiceParty($"{name} New GmbH", $"{name}@new.example", "2 Neue Str", null, "Berlin", "10115", null, null, "DE", $"DE-{name}"), invoice.BillTo);
            Assert.Equal(new InvoiceParty("Globex Cloud S.L.", null, "Calle Mayor 1", null, "Madrid", "28013", null, null, "ES", "ESB12345678"), invoice.Seller);

            var url = (await api.GetJson($"/api/v1/invoices/{invoice.Id}/download").Ok()).Str("url");
            var text = InvoiceFreezeTests<SqliteServer>.PdfText(await api.GetByteArrayAsync(url));
            foreach (var expected in new[] { $"{name} New GmbH", $"{name}@new.example", "2 Neue Str", "10115 Berlin", "Germany", $"Tax ID: DE-{name}", "Globex Cloud S.L.", "Spain", "Tax ID: ESB12345678" })
            {
                Assert.Contains(expected, text, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("Later", text, StringComparison.Ordinal);
        }
        // The invoices of the first two periods carry the details the customers had then.
        var earlier = await db.Invoices.AsNoTracking().Where(i => i.PeriodStart < BillingApi.Utc(2027, 3, 31)).Select(i => i.BillToName).ToListAsync();
        Assert.Equal(names.SelectMany(n => new[] { $"{n} Old Ltd", $"{n} Old Ltd" }).Order(), earlier.Order());
    }

    private sealed class SnapshotSpy : IRenewalLineSource
    {
        public System.Collections.Concurrent.ConcurrentBag<(string Number, string? BillToName, string? SellerName)> Seen { get; } = [];

        public Task AddLinesAsync(BillingScope scope, Commet.Domain.Billing.Subscription subscription, Invoice invoice, string endedPlanId,
            DateTime endedPeriodStart, DateTime endedPeriodEnd, CancellationToken ct)
        {
            Seen.Add((invoice.Number, invoice.BillToName, invoice.SellerName));
            return Task.CompletedTask;
        }

        public Task AddAdvanceLinesAsync(BillingScope scope, Commet.Domain.Billing.Subscription subscription, Invoice invoice, CancellationToken ct) =>
            Task.CompletedTask;
    }
}

/// <summary>
/// Migration <c>FreezeInvoiceParties</c> on both databases: invoices issued before it get the blocks they were being
/// shown with (the customer's current details; the portal name, else the organization's, and the support email),
/// frozen from then on.
/// </summary>
public sealed class InvoiceFreezeMigrationTests
{
    private const string Seed = """
        INSERT INTO organizations ("Id", "Name", "Currency", "CreatedAt") VALUES
          ('org_a', 'Acme Org', 'USD', '2026-01-01T00:00:00Z'), ('org_b', 'Beta Org', 'USD', '2026-01-01T00:00:00Z');
        INSERT INTO portal_settings ("OrganizationId", "Livemode", "DisplayName", "SupportEmail", "ShowUsage", "ShowChangePlan", "ShowPurchases",
          "ShowPaymentMethod", "ShowBillingDetails", "ShowInvoices", "ShowCancel", "CreatedAt", "UpdatedAt")
          VALUES ('org_a', false, 'Acme Cloud', 'help@acme.example', true, true, true, true, true, true, true, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
        INSERT INTO customers ("Id", "OrganizationId", "Livemode", "Email", "FullName", "TaxDocument", "address_line1", "address_line2", "address_city",
          "address_state", "address_postal_code", "address_country", "address_region", "CreatedAt", "UpdatedAt") VALUES
          ('cus_a', 'org_a', false, 'ann@example.com', 'Ann Ltd', 'GB123', '1 King St', NULL, 'London', NULL, 'EC2V 7HH', 'GB', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
          ('cus_b', 'org_b', false, 'bob@example.com', '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
        INSERT INTO invoices ("Id", "OrganizationId", "Livemode", "CustomerId", "Number", "Type", "Status", "Currency", "Subtotal", "DiscountAmount",
          "TaxAmount", "Total", "PeriodStart", "PeriodEnd", "IssueDate", "DueDate", "CreatedAt", "UpdatedAt") VALUES
          ('inv_a', 'org_a', false, 'cus_a', 'INV-000001', 'recurring', 'paid', 'USD', 4900, 0, 0, 4900,
            '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
          ('inv_b', 'org_b', false, 'cus_b', 'INV-000001', 'recurring', 'paid', 'USD', 4900, 0, 0, 4900,
            '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
        """;

    [Fact]
    public async Task Sqlite_OlderInvoicesAreBackfilled()
    {
        var dir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var options = new DbContextOptionsBuilder<Commet.Server.Persistence.SqliteCommetDb>().UseSqlite($"Data Source={Path.Combine(dir, "m.db")};Pooling=false").Options;
            await using var db = new Commet.Server.Persistence.SqliteCommetDb(options);
            await AssertBackfillAsync(db);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_OlderInvoicesAreBackfilled()
    {
        var database = "commet_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString();
            var options = new DbContextOptionsBuilder<Commet.Server.Persistence.PostgresCommetDb>().UseNpgsql(connection).Options;
            await using var db = new Commet.Server.Persistence.PostgresCommetDb(options);
            await AssertBackfillAsync(db);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task AssertBackfillAsync(Commet.Server.Persistence.CommetDb db)
    {
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var freeze = migrations.FindIndex(m => m.EndsWith("_FreezeInvoiceParties", StringComparison.Ordinal));
        Assert.True(freeze > 0, "the migration exists and is not the first");
        await migrator.MigrateAsync(migrations[freeze - 1]);
        await db.Database.ExecuteSqlRawAsync(Seed);

        await migrator.MigrateAsync(migrations[freeze]);
        // The invoices are read through today's model, which has the columns later migrations add: apply those too.
        await migrator.MigrateAsync();

        db.ScopeTo("org_a", false);
        var a = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == "inv_a");
        Assert.Equal(new InvoiceParty("Ann Ltd", "ann@example.com", "1 King St", null, "London", "EC2V 7HH", null, null, "GB", "GB123"), a.BillTo);
        Assert.Equal(new InvoiceParty("Acme Cloud", "help@acme.example", null, null, null, null, null, null, null, null), a.Seller);
        db.ScopeTo("org_b", false);
        var b = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == "inv_b");
        // A blank name is no name; without portal settings the seller is the organization.
        Assert.Equal(new InvoiceParty(null, "bob@example.com", null, null, null, null, null, null, null, null), b.BillTo);
        Assert.Equal(new InvoiceParty("Beta Org", null, null, null, null, null, null, null, null, null), b.Seller);
    }
}
