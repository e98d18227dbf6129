using System.Net;
using Commet.Domain;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Tests;

/// <summary>
/// A fresh server has no dashboard member: the first visit to /dashboard leads to the first-run page, which makes
/// the owner (of the default organization), signs them in, and is closed from then on. The bootstrap key still works.
/// </summary>
public abstract class DashboardFirstRunTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task FirstVisit_CreatesTheOwner_ThenSetupIsClosed()
    {
        using var browser = new DashboardClient(server);

        var dashboard = await browser.Get("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.Status);
        Assert.Contains("/dashboard/sign-in", dashboard.Location!, StringComparison.Ordinal);
        var signIn = await browser.Get("/dashboard/sign-in");
        Assert.Equal("/dashboard/setup", signIn.Location);
        var setup = await browser.Get("/dashboard/setup");
        Assert.Equal(HttpStatusCode.OK, setup.Status);

        var tooShort = await browser.Post("/dashboard/setup", new Dictionary<string, string> { ["email"] = "owner@example.com", ["password"] = "short" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort.Status);
        var created = await browser.Post("/dashboard/setup", new Dictionary<string, string> { ["email"] = "owner@example.com", ["password"] = DashboardMembers.Password });
        Assert.Equal(HttpStatusCode.Redirect, created.Status);
        Assert.Equal("/dashboard", created.Location);

        // Signed in: /dashboard leads to the default organization in sandbox, whose home page shows.
        var index = await browser.Get("/dashboard");
        Assert.Equal($"/dashboard/{Organization.DefaultId}/sandbox", index.Location);
        var home = await browser.Get(index.Location!);
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Contains("owner@example.com", home.Text, StringComparison.Ordinal);
        Assert.Contains("Sandbox", home.Text, StringComparison.Ordinal);

        await using (var db = server.RawDb())
        {
            var owner = await db.DashboardUsers.SingleAsync();
            var membership = await db.Memberships.SingleAsync(m => m.UserId == owner.Id);
            Assert.Equal((Organization.DefaultId, DashboardRoles.Owner), (membership.OrganizationId, membership.Role));
            Assert.NotEqual(DashboardMembers.Password, owner.PasswordHash);
            Assert.True(await db.AuditLog.AnyAsync(a => a.UserId == owner.Id && a.Action == AuditActions.OwnerCreated));
        }

        // The owner creates a second organization: sandbox and live keys shown once, both working on the API, and
        // the owner's picker now lists it.
        var form = await browser.Get("/dashboard/organizations/new");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var made = await browser.Post("/dashboard/organizations/new", new Dictionary<string, string> { ["name"] = "Second Co" });
        Assert.Equal(HttpStatusCode.OK, made.Status);
        var sandboxKey = System.Text.RegularExpressions.Regex.Match(made.Html, "id=\"sandbox-key\">(ck_test_[A-Za-z0-9]+)<").Groups[1].Value;
        var liveKey = System.Text.RegularExpressions.Regex.Match(made.Html, "id=\"live-key\">(ck_live_[A-Za-z0-9]+)<").Groups[1].Value;
        var sandboxWho = await server.Client(sandboxKey).GetJson("/api/v1/whoami");
        var liveWho = await server.Client(liveKey).GetJson("/api/v1/whoami");
        Assert.Equal(HttpStatusCode.OK, sandboxWho.Status);
        Assert.Equal(HttpStatusCode.OK, liveWho.Status);
        string secondId;
        await using (var db = server.RawDb())
        {
            secondId = await db.Organizations.Where(o => o.Name == "Second Co").Select(o => o.Id).SingleAsync();
            Assert.True(await db.AuditLog.AnyAsync(a => a.OrganizationId == secondId && a.Action == AuditActions.OrganizationCreated));
        }
        Assert.Contains(secondId, sandboxWho.Raw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.Get($"/dashboard/{secondId}/live")).Status);

        // Closed: a second visitor is sent to sign in, and a post cannot make a second owner.
        using var stranger = new DashboardClient(server);
        Assert.Equal("/dashboard/sign-in", (await stranger.Get("/dashboard/setup")).Location);
        await stranger.Get("/dashboard/sign-in");
        var again = await stranger.Post("/dashboard/setup", new Dictionary<string, string> { ["email"] = "mallory@example.com", ["password"] = DashboardMembers.Password });
        Assert.Equal("/dashboard/sign-in", again.Location);
        await using (var db = server.RawDb())
        {
            Assert.Equal(1, await db.DashboardUsers.CountAsync());
        }

        // The bootstrap key flow is unchanged.
        var whoami = await server.Client().GetJson("/api/v1/whoami");
        Assert.Equal(HttpStatusCode.OK, whoami.Status);
    }
}

public sealed class DashboardFirstRunTests_Sqlite(SqliteServer server) : DashboardFirstRunTests<SqliteServer>(server);

public sealed class DashboardFirstRunTests_Postgres(PostgresServer server) : DashboardFirstRunTests<PostgresServer>(server);

/// <summary>A server whose owner comes from COMMET_ADMIN_EMAIL / COMMET_ADMIN_PASSWORD (the settings they map to).</summary>
public sealed class AdminSqliteServer : SqliteServer
{
    public const string AdminEmail = "admin@example.com";

    protected override void AdjustSettings(IDictionary<string, string?> settings)
    {
        settings["Commet:Dashboard:AdminEmail"] = AdminEmail;
        settings["Commet:Dashboard:AdminPassword"] = DashboardMembers.Password;
    }
}

public sealed class AdminPostgresServer : PostgresServer
{
    protected override void AdjustSettings(IDictionary<string, string?> settings)
    {
        settings["Commet:Dashboard:AdminEmail"] = AdminSqliteServer.AdminEmail;
        settings["Commet:Dashboard:AdminPassword"] = DashboardMembers.Password;
    }
}

/// <summary>
/// Who may do what: roles enforced on pages and on their form posts, organizations kept apart (tampered IDs in
/// URLs and forms are 404), antiforgery on every form, lockout after five failed sign-ins.
/// </summary>
public abstract class DashboardAccessTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static string Org(TestTenant t, string rest = "") => $"/dashboard/{t.OrganizationId}/sandbox" + (rest.Length > 0 ? "/" + rest : "");

    private static async Task<int> KeyCountAsync(TestTenant t)
    {
        await using var db = t.Db();
        return await db.ApiKeys.CountAsync();
    }

    [Fact]
    public async Task AdminFromEnvironment_SignsIn_AndOwnsTheDefaultOrganization()
    {
        using var browser = new DashboardClient(server);
        var signedIn = await browser.SignIn(AdminSqliteServer.AdminEmail, DashboardMembers.Password);
        Assert.Equal("/dashboard", signedIn.Location);
        Assert.Equal($"/dashboard/{Organization.DefaultId}/sandbox", (await browser.Get("/dashboard")).Location);
        var developers = await browser.Get($"/dashboard/{Organization.DefaultId}/live/developers");
        Assert.Equal(HttpStatusCode.OK, developers.Status);
        // The fixture's bootstrap live key is listed by its prefix (never in full).
        Assert.Contains(ServerFixture.LiveKey[..12], developers.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(ServerFixture.LiveKey, developers.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Support_IsRefused_TheApiKeysPage_AndItsFormPosts()
    {
        var t = await server.NewTenantAsync();
        var support = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Support);
        var developer = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Developer);
        var keyId = await KeyIdAsync(t);
        using var browser = new DashboardClient(server);
        await browser.SignIn(support, DashboardMembers.Password);

        var customers = await browser.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.OK, customers.Status);
        Assert.DoesNotContain("/developers", customers.Html, StringComparison.Ordinal);
        var page = await browser.Get(Org(t, "developers"));
        var create = await browser.Post(Org(t, "developers") + "?handler=Create", new Dictionary<string, string> { ["name"] = "sneaky" });
        var revoke = await browser.Post(Org(t, "developers") + "?handler=Revoke", new Dictionary<string, string> { ["keyId"] = keyId });

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Equal(HttpStatusCode.Forbidden, create.Status);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.Status);
        Assert.Equal(1, await KeyCountAsync(t));

        // A developer of the same organization is allowed, and the key made here works on the API.
        using var dev = new DashboardClient(server);
        await dev.SignIn(developer, DashboardMembers.Password);
        Assert.Equal(HttpStatusCode.OK, (await dev.Get(Org(t, "developers"))).Status);
        var made = await dev.Post(Org(t, "developers") + "?handler=Create", new Dictionary<string, string> { ["name"] = "from the dashboard" });
        Assert.Equal(HttpStatusCode.OK, made.Status);
        var secret = System.Text.RegularExpressions.Regex.Match(made.Html, "id=\"new-key\">(ck_test_[A-Za-z0-9]+)<").Groups[1].Value;
        Assert.StartsWith("ck_test_", secret, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.Client(secret).GetJson("/api/v1/whoami")).Status);
        Assert.Equal(2, await KeyCountAsync(t));
        await using var db = server.RawDb();
        Assert.True(await db.AuditLog.AnyAsync(a => a.OrganizationId == t.OrganizationId && a.Action == AuditActions.ApiKeyCreated && a.UserEmail == developer));
    }

    private static async Task<string> KeyIdAsync(TestTenant t)
    {
        await using var db = t.Db();
        return await db.ApiKeys.Select(k => k.Id).SingleAsync();
    }

    [Fact]
    public async Task MemberOfOneOrganization_GetsNotFound_ForAnothersCustomer_InUrlsAndForms()
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        var ann = await a.Api.Customer("ann", card: null);
        var bob = await b.Api.Customer("bob", card: null);
        var support = await server.AddMemberAsync(a.OrganizationId, DashboardRoles.Support);
        using var browser = new DashboardClient(server);
        await browser.SignIn(support, DashboardMembers.Password);

        var own = await browser.Get(Org(a, "customers/" + ann));
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Contains("ann@example.com", own.Text, StringComparison.Ordinal);

        var bobInA = await browser.Get(Org(a, "customers/" + bob));
        var bobInB = await browser.Get(Org(b, "customers/" + bob));
        var bHome = await browser.Get(Org(b));
        var annLive = await browser.Get($"/dashboard/{a.OrganizationId}/live/customers/{ann}");
        Assert.Equal(HttpStatusCode.NotFound, bobInA.Status);
        Assert.Equal(HttpStatusCode.NotFound, bobInB.Status);
        Assert.Equal(HttpStatusCode.NotFound, bHome.Status);
        Assert.Equal(HttpStatusCode.NotFound, annLive.Status);
        Assert.DoesNotContain("bob@example.com", bobInA.Text + bobInB.Text, StringComparison.Ordinal);

        // A form of A's customer page with B's customer in the form: not found, and no portal link made for Bob.
        await browser.Get(Org(a, "customers/" + ann));
        var tampered = await browser.Post(Org(a, "customers/" + ann) + "?handler=Portal", new Dictionary<string, string> { ["customerId"] = bob });
        Assert.Equal(HttpStatusCode.NotFound, tampered.Status);
        await using (var db = b.Db())
        {
            Assert.Equal(0, await db.PortalSessions.CountAsync(s => s.CustomerId == bob));
        }

        // The same form for A's own customer opens the portal (the API's request-access link), audited.
        var portal = await browser.Post(Org(a, "customers/" + ann) + "?handler=Portal", new Dictionary<string, string> { ["customerId"] = ann });
        Assert.Equal(HttpStatusCode.Redirect, portal.Status);
        Assert.Contains("/portal/access/", portal.Location!, StringComparison.Ordinal);
        await using (var db = a.Db())
        {
            Assert.Equal(1, await db.PortalSessions.CountAsync(s => s.CustomerId == ann));
        }
        await using var raw = server.RawDb();
        Assert.True(await raw.AuditLog.AnyAsync(x => x.OrganizationId == a.OrganizationId && x.Action == AuditActions.PortalOpened && x.Target == ann && x.Livemode == false));
    }

    [Fact]
    public async Task FormPostWithoutAntiforgeryToken_IsRefused()
    {
        var t = await server.NewTenantAsync();
        var owner = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Owner);
        using var browser = new DashboardClient(server);
        await browser.SignIn(owner, DashboardMembers.Password);
        await browser.Get(Org(t, "developers"));

        var without = await browser.Post(Org(t, "developers") + "?handler=Create", new Dictionary<string, string> { ["name"] = "no token" }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, without.Status);
        Assert.Equal(1, await KeyCountAsync(t));

        var with = await browser.Post(Org(t, "developers") + "?handler=Create", new Dictionary<string, string> { ["name"] = "with token" });
        Assert.Equal(HttpStatusCode.OK, with.Status);
        Assert.Equal(2, await KeyCountAsync(t));
    }

    [Fact]
    public async Task FiveFailedSignIns_LockTheMemberOut_EvenWithTheRightPassword()
    {
        var t = await server.NewTenantAsync();
        var member = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Admin);
        using var browser = new DashboardClient(server);
        var before = DateTime.UtcNow;

        for (var i = 1; i <= 4; i++)
        {
            var wrong = await browser.SignIn(member, "not the password " + i);
            Assert.Equal(HttpStatusCode.OK, wrong.Status);
            Assert.Contains("The email or the password is wrong.", wrong.Text, StringComparison.Ordinal);
        }
        // The fifth failure locks the account, and says so.
        var fifth = await browser.SignIn(member, "not the password 5");
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.Status);
        var right = await browser.SignIn(member, DashboardMembers.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.Status);
        Assert.Contains("locked", right.Text, StringComparison.Ordinal);
        Assert.Null(right.Location);
        await using var db = server.RawDb();
        var user = await db.DashboardUsers.SingleAsync(u => u.Email == member);
        // Default lockout: 15 minutes from the fifth failure.
        Assert.NotNull(user.LockoutEnd);
        var until = user.LockoutEnd!.Value.UtcDateTime;
        Assert.InRange(until, before.AddMinutes(15).AddSeconds(-1), DateTime.UtcNow.AddMinutes(15).AddSeconds(1));

        // Another member is not affected.
        var other = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Support);
        using var second = new DashboardClient(server);
        Assert.Equal("/dashboard", (await second.SignIn(other, DashboardMembers.Password)).Location);
    }

    [Fact]
    public async Task Invitation_LinkWorksOnce_AndGivesTheInvitedRole()
    {
        var t = await server.NewTenantAsync();
        var owner = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Owner);
        using var browser = new DashboardClient(server);
        await browser.SignIn(owner, DashboardMembers.Password);
        await browser.Get(Org(t, "members"));
        var invited = await browser.Post(Org(t, "members") + "?handler=Invite", new Dictionary<string, string> { ["email"] = "newdev@example.com", ["role"] = DashboardRoles.Developer });
        Assert.Equal(HttpStatusCode.OK, invited.Status);
        var link = System.Text.RegularExpressions.Regex.Match(invited.Html, "id=\"invitation-link\">[^<]*(/dashboard/invitations/[A-Za-z0-9_-]+)<").Groups[1].Value;
        Assert.NotEmpty(link);

        await using (var db = server.RawDb())
        {
            var stored = await db.Invitations.SingleAsync(i => i.OrganizationId == t.OrganizationId);
            // Only the hash is kept.
            Assert.DoesNotContain(stored.TokenHash, link, StringComparison.Ordinal);
            Assert.Equal(64, stored.TokenHash.Length);
        }

        using var newcomer = new DashboardClient(server);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.Get(link)).Status);
        var joined = await newcomer.Post(link + "?handler=Create", new Dictionary<string, string> { ["password"] = DashboardMembers.Password });
        Assert.Equal(Org(t), joined.Location);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.Get(Org(t, "developers"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await newcomer.Get(Org(t, "members"))).Status);

        using var late = new DashboardClient(server);
        Assert.Equal(HttpStatusCode.NotFound, (await late.Get(link)).Status);
    }
}

public sealed class DashboardAccessTests_Sqlite(AdminSqliteServer server) : DashboardAccessTests<AdminSqliteServer>(server);

public sealed class DashboardAccessTests_Postgres(AdminPostgresServer server) : DashboardAccessTests<AdminPostgresServer>(server);
