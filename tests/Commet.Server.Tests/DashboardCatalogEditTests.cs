using System.Net;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Tests;

/// <summary>
/// Catalog editing in the dashboard: a plan's name, description and visibility and its archiving from the plan page;
/// credit packs and add-ons created, edited and archived on the catalog page — each with the API's own use case and
/// checks, audited, refused to support (page and post), on both databases.
/// </summary>
public abstract class DashboardCatalogEditTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static string Org(TestTenant t, string rest = "") => $"/dashboard/{t.OrganizationId}/sandbox" + (rest.Length > 0 ? "/" + rest : "");

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    private async Task<DashboardClient> SignedInAsync(TestTenant t, string role)
    {
        var email = await server.AddMemberAsync(t.OrganizationId, role);
        var browser = new DashboardClient(server);
        Assert.Equal("/dashboard", (await browser.SignIn(email, DashboardMembers.Password)).Location);
        return browser;
    }

    /// <summary>The page's alert, so a refused form says why in the test's failure.</summary>
    private static string Problem(DashboardPage page) =>
        $"{(int)page.Status}: " + (System.Text.RegularExpressions.Regex.Match(page.Text, "class=\"alert[^>]*>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline) is { Success: true } m
            ? m.Groups[1].Value : page.Text[..Math.Min(page.Text.Length, 400)]);

    private async Task<int> AuditedAsync(TestTenant t, string action, string target)
    {
        await using var raw = server.RawDb();
        return await raw.AuditLog.CountAsync(a => a.OrganizationId == t.OrganizationId && a.Action == action && a.Target == target);
    }

    [Fact]
    public async Task PlanPage_EditsNameDescriptionAndVisibility_WithTheApisChecks_ThenArchives()
    {
        var t = await server.NewTenantAsync();
        var planId = await t.Api.Plan("pro", 2000);
        var page = Org(t, "catalog/plans/" + planId);
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        Assert.Contains("id=\"details-name\"", (await developer.Get(page)).Html, StringComparison.Ordinal);

        // The API's update refuses a blank name and a description over 1,000 characters; nothing is written.
        var bad = await developer.Post(page + "?handler=Details", Form(("name", " "), ("description", new string('x', 1001)), ("isPublic", "true")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("id=\"details-name-error\"", bad.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"details-description-error\"", bad.Html, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            var plan = await db.Plans.SingleAsync();
            Assert.Equal(("Pro", (string?)null, true), (plan.Name, plan.Description, plan.IsPublic));
        }

        // Renamed, described and hidden (an unticked box is not sent: private).
        var saved = await developer.Post(page + "?handler=Details", Form(("name", "  Pro 2027 "), ("description", "For growing teams")));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Equal(page + "?saved=1", saved.Location);
        await using (var db = t.Db())
        {
            var plan = await db.Plans.SingleAsync();
            Assert.Equal(("Pro 2027", "For growing teams", false), (plan.Name, plan.Description, plan.IsPublic));
        }
        // Hidden from the API's public plan list, still in the full one.
        Assert.DoesNotContain(planId, (await t.Api.GetJson("/api/v1/plans")).Raw, StringComparison.Ordinal);
        Assert.Contains(planId, (await t.Api.GetJson("/api/v1/plans?includePrivate=true")).Raw, StringComparison.Ordinal);
        // Public again, the description cleared.
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(page + "?handler=Details", Form(("name", "Pro 2027"), ("description", ""), ("isPublic", "true")))).Status);
        await using (var db = t.Db())
        {
            var plan = await db.Plans.SingleAsync();
            Assert.Equal(((string?)null, true), (plan.Description, plan.IsPublic));
        }
        Assert.Equal(2, await AuditedAsync(t, AuditActions.CatalogUpdated, "plan pro"));

        // Support may neither see the page nor post to it.
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Get(page)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(page + "?handler=Details", Form(("name", "Mine"), ("isPublic", "true")))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(page + "?handler=Archive", Form())).Status);

        // Archived: back to the catalog, gone from it and from the page (404), kept in the database.
        var archived = await developer.Post(page + "?handler=Archive", Form());
        Assert.Equal(Org(t, "catalog") + "?archived=pro", archived.Location);
        Assert.Equal(HttpStatusCode.NotFound, (await developer.Get(page)).Status);
        await using (var db = t.Db())
        {
            var plan = await db.Plans.SingleAsync();
            Assert.Equal(("Pro 2027", true), (plan.Name, plan.DeletedAt is not null));
        }
        Assert.Equal(1, await AuditedAsync(t, AuditActions.CatalogArchived, "plan pro"));
    }

    [Fact]
    public async Task CreditPacks_AreCreatedEditedAndArchived_WithTheApisChecks()
    {
        var t = await server.NewTenantAsync();
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        var catalog = Org(t, "catalog");
        await developer.Get(catalog);

        // "9.50" USD = 9 × 100 + 50 = 950 minor units for 100 credits.
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(catalog + "?handler=Pack", Form(("name", "Boost"), ("credits", "100"), ("price", "9.50")))).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(catalog + "?handler=Pack", Form(("name", "Mega"), ("credits", "1000"), ("price", "80")))).Status);
        string boost;
        await using (var db = t.Db())
        {
            boost = await db.CreditPacks.Where(c => c.Name == "Boost").Select(c => c.Id).SingleAsync();
        }
        var form = await developer.Get(catalog);
        Assert.Contains($"id=\"pack-{boost}-price\" name=\"price\" inputmode=\"decimal\" value=\"9.50\"", form.Html, StringComparison.Ordinal);

        // The API's checks: 0 credits, and the other pack's name, each beside its field; what was typed is kept.
        var zero = await developer.Post(catalog + "?handler=EditPack", Form(("id", boost), ("name", "Boost"), ("credits", "0"), ("price", "9.50")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zero.Status);
        Assert.Contains($"id=\"pack-{boost}-credits-error\"", zero.Html, StringComparison.Ordinal);
        Assert.Contains("value=\"0\"", zero.Html, StringComparison.Ordinal);
        var taken = await developer.Post(catalog + "?handler=EditPack", Form(("id", boost), ("name", "Mega"), ("credits", "100"), ("price", "9.50")));
        Assert.Equal(HttpStatusCode.Conflict, taken.Status);
        // A price with more decimals than the currency has is refused before the use case runs.
        var cents = await developer.Post(catalog + "?handler=EditPack", Form(("id", boost), ("name", "Boost"), ("credits", "100"), ("price", "9.505")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cents.Status);
        Assert.Contains($"id=\"pack-{boost}-price-error\"", cents.Html, StringComparison.Ordinal);

        // Edited: "12.25" = 12 × 100 + 25 = 1225 minor units for 150 credits, renamed, described.
        var saved = await developer.Post(catalog + "?handler=EditPack",
            Form(("id", boost), ("name", "Boost 150"), ("description", "A top-up"), ("credits", "150"), ("price", "12.25")));
        Assert.Equal(catalog + "?updated=Boost%20150", saved.Location);
        await using (var db = t.Db())
        {
            var pack = await db.CreditPacks.SingleAsync(c => c.Id == boost);
            Assert.Equal(("Boost 150", "A top-up", 150L, 1225L), (pack.Name, pack.Description, pack.Credits, pack.Price));
        }
        Assert.Contains("150 credits for $12.25", (await developer.Get(catalog)).Text, StringComparison.Ordinal);
        // Another organization's pack, or an unknown one, is not found.
        Assert.Equal(HttpStatusCode.NotFound, (await developer.Post(catalog + "?handler=EditPack", Form(("id", "cp_nope"), ("name", "X"), ("credits", "1"), ("price", "1")))).Status);

        // Support is refused the post.
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(catalog + "?handler=EditPack", Form(("id", boost), ("name", "Mine"), ("credits", "1"), ("price", "0.01")))).Status);

        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(catalog + "?handler=ArchivePack", Form(("id", boost)))).Status);
        await using (var db = t.Db())
        {
            Assert.Equal(["Mega"], await db.CreditPacks.Where(c => c.DeletedAt == null).Select(c => c.Name).ToListAsync());
        }
        Assert.Equal(1, await AuditedAsync(t, AuditActions.CatalogUpdated, "Boost 150"));
    }

    [Fact]
    public async Task Addons_AreCreatedWithTheirModel_EditedAndArchived_WithTheApisChecks()
    {
        var t = await server.NewTenantAsync();
        await t.Api.PostJson("/api/v1/features/manage", new { code = "storage", name = "Storage", type = "usage", unitName = "GB" }).Ok();
        await t.Api.PostJson("/api/v1/features/manage", new { code = "sso", name = "SSO", type = "boolean" }).Ok();
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        var catalog = Org(t, "catalog");
        await developer.Get(catalog);
        string storage, sso;
        await using (var db = t.Db())
        {
            storage = await db.Features.Where(f => f.Code == "storage").Select(f => f.Id).SingleAsync();
            sso = await db.Features.Where(f => f.Code == "sso").Select(f => f.Id).SingleAsync();
        }

        // The API's rule: a boolean feature's add-on must use the boolean model.
        var wrong = await developer.Post(catalog + "?handler=Addon", Form(("name", "SSO"), ("featureId", sso), ("consumptionModel", "metered"), ("basePrice", "10")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Contains("id=\"addon-model-error\"", wrong.Html, StringComparison.Ordinal);
        Assert.Contains("its add-on must use the boolean model", wrong.Text, StringComparison.Ordinal);

        // "5.00" = 500 minor units a period; 50 GB included; overage "0.02" a GB = 0.02 × 10000 = 200 on the rate scale.
        var made = await developer.Post(catalog + "?handler=Addon",
            Form(("name", "Extra storage"), ("featureId", storage), ("consumptionModel", "metered"), ("basePrice", "5.00"), ("includedUnits", "50"), ("overageRate", "0.02")));
        Assert.True(made.Location == catalog + "?created=extra-storage", Problem(made));
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(catalog + "?handler=Addon",
            Form(("name", "SSO"), ("featureId", sso), ("consumptionModel", "boolean"), ("basePrice", "10")))).Status);
        string id;
        await using (var db = t.Db())
        {
            var addon = await db.Addons.SingleAsync(a => a.Slug == "extra-storage");
            Assert.Equal(("metered", 500L, (long?)50, (long?)200), (addon.ConsumptionModel, addon.BasePrice, addon.IncludedUnits, addon.OverageRate));
            id = addon.Id;
        }

        // Edit: a blank name is the API's 422 beside the field, nothing written.
        var blank = await developer.Post(catalog + "?handler=EditAddon", Form(("id", id), ("name", " "), ("basePrice", "5.00"), ("includedUnits", "50")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blank.Status);
        Assert.Contains($"id=\"addon-{id}-name-error\"", blank.Html, StringComparison.Ordinal);
        // Renamed (the slug stays), "7.50" = 750 a period, 80 GB included; left blank, the included units stay.
        Assert.Equal(catalog + "?updated=extra-storage",
            (await developer.Post(catalog + "?handler=EditAddon", Form(("id", id), ("name", "More storage"), ("basePrice", "7.50"), ("includedUnits", "80")))).Location);
        await using (var db = t.Db())
        {
            var addon = await db.Addons.SingleAsync(a => a.Id == id);
            Assert.Equal(("More storage", "extra-storage", 750L, (long?)80, (long?)200), (addon.Name, addon.Slug, addon.BasePrice, addon.IncludedUnits, addon.OverageRate));
        }
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(catalog + "?handler=EditAddon", Form(("id", id), ("name", "More storage"), ("basePrice", "7.50"), ("includedUnits", "")))).Status);
        await using (var db = t.Db())
        {
            Assert.Equal((long?)80, (await db.Addons.SingleAsync(a => a.Id == id)).IncludedUnits);
        }

        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(catalog + "?handler=EditAddon", Form(("id", id), ("name", "Mine"), ("basePrice", "0")))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(catalog + "?handler=Addon", Form(("name", "X"), ("featureId", sso), ("consumptionModel", "boolean"), ("basePrice", "1")))).Status);

        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(catalog + "?handler=ArchiveAddon", Form(("id", id)))).Status);
        await using (var db = t.Db())
        {
            Assert.Equal(["sso"], await db.Addons.Where(a => a.DeletedAt == null).Select(a => a.Slug).ToListAsync());
        }
        Assert.Equal(2, await AuditedAsync(t, AuditActions.CatalogUpdated, "extra-storage"));
        Assert.Equal(1, await AuditedAsync(t, AuditActions.CatalogCreated, "addon extra-storage"));
        Assert.Equal(1, await AuditedAsync(t, AuditActions.CatalogArchived, "extra-storage"));
    }
}

public sealed class DashboardCatalogEditTests_Sqlite(SqliteServer server) : DashboardCatalogEditTests<SqliteServer>(server);

public sealed class DashboardCatalogEditTests_Postgres(PostgresServer server) : DashboardCatalogEditTests<PostgresServer>(server);
