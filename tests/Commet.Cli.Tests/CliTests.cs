using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Commet.Cli.Tests.Infrastructure;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Cli.Tests;

/// <summary>
/// The <c>commet</c> command line run in-process against a real server (Kestrel over SQLite or PostgreSQL); each test
/// in a fresh organization, so a "fresh server" is a second organization with nothing in its catalog.
/// </summary>
public abstract class CliTests<TServer>(TServer server) : IClassFixture<TServer>, IDisposable
    where TServer : ServerFixture
{
    private readonly string work = Directory.CreateTempSubdirectory("commet-cli-").FullName;

    // Prices in the SDK's rate scale (10000 = 1.00): 490000 is 49.00 a month, 4900000 is 490.00 a year.
    private const string Config = """
        {
          "features": {
            "api_calls": { "name": "API calls", "type": "usage", "unitName": "call" },
            "sso": { "name": "Single sign-on", "type": "boolean" }
          },
          "plans": {
            "pro": {
              "name": "Pro", "isPublic": true, "sortOrder": 2, "defaultInterval": "monthly",
              "prices": [ { "interval": "monthly", "amount": 490000 }, { "interval": "yearly", "amount": 4900000, "trialDays": 14 } ],
              "features": { "sso": true, "api_calls": { "included": 10000, "overage": { "unitPrice": 20 } } }
            },
            "starter": {
              "name": "Starter", "isPublic": true, "sortOrder": 1,
              "prices": [ { "interval": "monthly", "amount": 90000 } ],
              "features": { "api_calls": { "included": 1000 } }
            }
          }
        }
        """;

    private string WriteConfig(string text, string name = "commet.config.json")
    {
        var path = Path.Combine(work, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Push_Twice_TheSecondChangesNothing_AndSaysSo()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        var file = WriteConfig(Config);

        var first = await cli.RunAsync("push", "--file", file, "--yes");
        var second = await cli.RunAsync("push", "--file", file, "--yes");

        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains("+ create  feature api_calls", first.Out, StringComparison.Ordinal);
        Assert.Contains("+ create  plan pro", first.Out, StringComparison.Ordinal);
        Assert.Contains("Applied ", first.Out, StringComparison.Ordinal);
        Assert.True(second.Exit == 0, second.ToString());
        Assert.Contains("Nothing to change", second.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Applied", second.Out, StringComparison.Ordinal);

        // The server has what the file says.
        var pro = (await tenant.Api.GetJson("/api/v1/plans/pro")).Data;
        Assert.Equal(("Pro", 2, true), (pro["name"]!.GetValue<string>(), pro["sortOrder"]!.GetValue<int>(), pro["isPublic"]!.GetValue<bool>()));
        // 490000 / 100 = 4900 minor units = 49.00; 4900000 / 100 = 49000 = 490.00.
        Assert.Equal([("monthly", 4900L, 0), ("yearly", 49000L, 14)], Prices(pro));
        Assert.Equal(10000, Feature(pro, "api_calls")["includedAmount"]!.GetValue<long>());
        Assert.True(Feature(pro, "sso")["enabled"]!.GetValue<bool>());
        var starter = (await tenant.Api.GetJson("/api/v1/plans/starter")).Data;
        Assert.Equal(1, starter["sortOrder"]!.GetValue<int>());
    }

    [Fact]
    public async Task EditAPriceAndAPlanFeature_PushShowsTheDiffInMoney_AndAppliesIt()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        var file = WriteConfig(Config);
        Assert.Equal(0, (await cli.RunAsync("push", "--file", file, "--yes")).Exit);

        // Pro goes from 49.00 to 59.00 a month (590000 in rate scale) and includes 20000 calls instead of 10000.
        WriteConfig(Config.Replace("\"amount\": 490000 }", "\"amount\": 590000 }", StringComparison.Ordinal)
            .Replace("\"included\": 10000", "\"included\": 20000", StringComparison.Ordinal));
        var dryRun = await cli.RunAsync("push", "--file", file, "--dry-run");
        var unchangedYet = (await tenant.Api.GetJson("/api/v1/plans/pro")).Data;
        var push = await cli.RunAsync("push", "--file", file, "--yes");
        var again = await cli.RunAsync("push", "--file", file, "--yes");

        Assert.True(dryRun.Exit == 0, dryRun.ToString());
        Assert.Contains("Not applied.", dryRun.Out, StringComparison.Ordinal);
        Assert.Equal(4900L, Prices(unchangedYet)[0].Price);
        Assert.True(push.Exit == 0, push.ToString());
        Assert.Contains("~ change  plan pro: monthly price 49.00 → 59.00", push.Out, StringComparison.Ordinal);
        Assert.Contains("~ change  plan pro: feature api_calls: 10000 included", push.Out, StringComparison.Ordinal);
        Assert.Contains("→ 20000 included", push.Out, StringComparison.Ordinal);
        // Only those two lines: the yearly price, starter and the features are untouched.
        var lines = push.Out.Split('\n').Where(l => l.StartsWith("~ ", StringComparison.Ordinal) || l.StartsWith("+ ", StringComparison.Ordinal) || l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 2, push.Out);
        Assert.Contains("Applied 2 change(s).", push.Out, StringComparison.Ordinal);
        Assert.Contains("Nothing to change", again.Out, StringComparison.Ordinal);

        var pro = (await tenant.Api.GetJson("/api/v1/plans/pro")).Data;
        // 590000 / 100 = 5900 minor units = 59.00; the yearly price stays 49000.
        Assert.Equal([("monthly", 5900L, 0), ("yearly", 49000L, 14)], Prices(pro));
        Assert.Equal(20000, Feature(pro, "api_calls")["includedAmount"]!.GetValue<long>());
        Assert.Equal(20, Feature(pro, "api_calls")["overage"]!["unitPrice"]!.GetValue<long>());
    }

    [Fact]
    public async Task APriceChangeOnAPlanWithSubscribers_IsExplainedNotAttempted_TheRestApplies_ExitThree()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        var file = WriteConfig(Config);
        Assert.Equal(0, (await cli.RunAsync("push", "--file", file, "--yes")).Exit);
        Assert.Equal(HttpStatusCode.Created, (await tenant.Api.PostJson("/api/v1/customers", new { id = "sub_owner", email = "owner@example.com" })).Status);
        var subscribed = await tenant.Api.PostJson("/api/v1/subscriptions", new { customerId = "sub_owner", planCode = "pro", billingInterval = "monthly" });
        Assert.True(subscribed.Status == HttpStatusCode.Created, subscribed.ToString());

        // The server says who a price change would reach: one live subscription at the monthly price, none at the yearly.
        var detail = (await tenant.Api.GetJson("/api/v1/plans/pro")).Data;
        Assert.Equal(1, detail["subscriberCount"]!.GetValue<int>());
        Assert.Equal([1, 0], detail["prices"]!.AsArray().Select(p => p!["subscribers"]!.GetValue<int>()));
        // Plan lists do not count (they stay one query).
        Assert.Null((await tenant.Api.GetJson("/api/v1/plans")).Data.AsArray()[0]!["subscriberCount"]);

        // Pro monthly 49.00 → 59.00 (subscribed: refused) and its yearly trial 14 → 7 days; Starter 9.00 → 19.00 (no subscribers).
        WriteConfig(Config.Replace("\"amount\": 490000 }", "\"amount\": 590000 }", StringComparison.Ordinal)
            .Replace("\"trialDays\": 14", "\"trialDays\": 7", StringComparison.Ordinal)
            .Replace("\"amount\": 90000", "\"amount\": 190000", StringComparison.Ordinal));
        var push = await cli.RunAsync("push", "--file", file, "--yes");
        var again = await cli.RunAsync("push", "--file", file, "--yes", "--json");

        Assert.True(push.Exit == 3, push.ToString());
        Assert.Contains("! blocked plan pro: monthly price 49.00 → 59.00: 1 live subscription(s) pay this price", push.Out, StringComparison.Ordinal);
        Assert.Contains("~ change  plan pro: yearly trial 14 → 7 days", push.Out, StringComparison.Ordinal);
        Assert.Contains("~ change  plan starter: monthly price 9.00 → 19.00", push.Out, StringComparison.Ordinal);
        Assert.Contains("Applied 2 change(s).", push.Out, StringComparison.Ordinal);
        Assert.Contains("cannot change (marked !); exit code 3", push.Err, StringComparison.Ordinal);
        // The second push has only the refused change left, and still says so with exit 3.
        Assert.True(again.Exit == 3, again.ToString());
        var json = JsonNode.Parse(again.Out)!;
        Assert.Equal((0, 1), (json["applied"]!.GetValue<int>(), json["blocked"]!.GetValue<int>()));
        Assert.Equal("blocked", json["changes"]!.AsArray().Single()!["kind"]!.GetValue<string>());

        // 490000 / 100 = 4900 stays; 190000 / 100 = 1900 = 19.00 applied; the yearly trial is 7 days.
        var pro = (await tenant.Api.GetJson("/api/v1/plans/pro")).Data;
        Assert.Equal([("monthly", 4900L, 0), ("yearly", 49000L, 7)], Prices(pro));
        Assert.Equal(1900L, Prices((await tenant.Api.GetJson("/api/v1/plans/starter")).Data)[0].Price);
    }

    // Plan groups, credit packs and add-ons are keyed by name; pack and add-on prices are minor units (1000 = 10.00).
    private const string Extras = """
        {
          "features": {
            "api_calls": { "name": "API calls", "type": "usage", "unitName": "call" },
            "priority_support": { "name": "Priority support", "type": "boolean" }
          },
          "planGroups": { "Main": { "description": "Self-serve", "isPublic": true } },
          "plans": {
            "pro": { "name": "Pro", "sortOrder": 1, "group": "Main", "prices": [ { "interval": "monthly", "amount": 490000 } ], "features": { "api_calls": { "included": 100 } } }
          },
          "creditPacks": { "Small": { "description": "Top-up", "credits": 1000, "price": 1000 } },
          "addons": { "Priority": { "feature": "priority_support", "basePrice": 1500, "consumptionModel": "boolean" } }
        }
        """;

    [Fact]
    public async Task PlanGroupsCreditPacksAndAddons_AreCreatedChangedAndArchived_AndASecondPushIsANoOp()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        var file = WriteConfig(Extras);

        var create = await cli.RunAsync("push", "--file", file, "--yes");
        var noOp = await cli.RunAsync("push", "--file", file, "--yes");

        Assert.True(create.Exit == 0, create.ToString());
        Assert.Contains("+ create  plan group Main", create.Out, StringComparison.Ordinal);
        Assert.Contains("+ create  credit pack Small: 1000 credits for 10.00", create.Out, StringComparison.Ordinal);
        Assert.Contains("+ create  add-on Priority: boolean add-on on priority_support, 15.00", create.Out, StringComparison.Ordinal);
        Assert.True(noOp.Exit == 0, noOp.ToString());
        Assert.Contains("Nothing to change", noOp.Out, StringComparison.Ordinal);
        var group = (await tenant.Api.GetJson("/api/v1/plan-groups")).Data.AsArray().Single()!;
        var proId = (await tenant.Api.GetJson("/api/v1/plans/pro")).Data["id"]!.GetValue<string>();
        Assert.Equal(("Main", "Self-serve", proId), (group["name"]!.GetValue<string>(), group["description"]!.GetValue<string>(), group["plans"]!.AsArray().Single()!["id"]!.GetValue<string>()));
        var pack = (await tenant.Api.GetJson("/api/v1/credit-packs")).Data.AsArray().Single()!;
        Assert.Equal((1000L, 1000L), (pack["credits"]!.GetValue<long>(), pack["price"]!.GetValue<long>()));
        var addon = (await tenant.Api.GetJson("/api/v1/addons")).Data.AsArray().Single()!;
        Assert.Equal(("Priority", 1500L), (addon["name"]!.GetValue<string>(), addon["basePrice"]!.GetValue<long>()));

        // Changes: the group's description, 2000 credits for 15.00, the add-on at 25.00.
        WriteConfig(Extras.Replace("\"Self-serve\"", "\"Self-serve plans\"", StringComparison.Ordinal)
            .Replace("\"credits\": 1000, \"price\": 1000", "\"credits\": 2000, \"price\": 1500", StringComparison.Ordinal)
            .Replace("\"basePrice\": 1500", "\"basePrice\": 2500", StringComparison.Ordinal));
        var change = await cli.RunAsync("push", "--file", file, "--yes");
        var changeAgain = await cli.RunAsync("push", "--file", file, "--yes");

        Assert.True(change.Exit == 0, change.ToString());
        Assert.Contains("~ change  plan group Main", change.Out, StringComparison.Ordinal);
        Assert.Contains("~ change  credit pack Small: 1000 credits for 10.00 → 2000 credits for 15.00", change.Out, StringComparison.Ordinal);
        Assert.Contains("~ change  add-on Priority: base price 15.00 → 25.00", change.Out, StringComparison.Ordinal);
        Assert.Contains("Applied 3 change(s).", change.Out, StringComparison.Ordinal);
        Assert.Contains("Nothing to change", changeAgain.Out, StringComparison.Ordinal);
        Assert.Equal("Self-serve plans", (await tenant.Api.GetJson("/api/v1/plan-groups")).Data.AsArray().Single()!["description"]!.GetValue<string>());
        pack = (await tenant.Api.GetJson("/api/v1/credit-packs")).Data.AsArray().Single()!;
        Assert.Equal((2000L, 1500L), (pack["credits"]!.GetValue<long>(), pack["price"]!.GetValue<long>()));
        Assert.Equal(2500L, (await tenant.Api.GetJson("/api/v1/addons")).Data.AsArray().Single()!["basePrice"]!.GetValue<long>());

        // Left out of the file: archived (deleted); the plan leaves the group first.
        var bare = JsonNode.Parse(Extras)!.AsObject();
        bare.Remove("planGroups");
        bare.Remove("creditPacks");
        bare.Remove("addons");
        bare["plans"]!["pro"]!.AsObject().Remove("group");
        WriteConfig(bare.ToJsonString());
        var archive = await cli.RunAsync("push", "--file", file, "--yes");
        var archiveAgain = await cli.RunAsync("push", "--file", file, "--yes");

        Assert.True(archive.Exit == 0, archive.ToString());
        Assert.Contains("- archive plan group Main", archive.Out, StringComparison.Ordinal);
        Assert.Contains("- archive credit pack Small", archive.Out, StringComparison.Ordinal);
        Assert.Contains("- archive add-on Priority", archive.Out, StringComparison.Ordinal);
        Assert.Contains("~ change  plan pro: group Main → (none)", archive.Out, StringComparison.Ordinal);
        Assert.Contains("Nothing to change", archiveAgain.Out, StringComparison.Ordinal);
        Assert.Empty((await tenant.Api.GetJson("/api/v1/plan-groups")).Data.AsArray());
        Assert.Empty((await tenant.Api.GetJson("/api/v1/credit-packs")).Data.AsArray());
        Assert.Empty((await tenant.Api.GetJson("/api/v1/addons")).Data.AsArray());
    }

    [Fact]
    public async Task PullIntoAnEmptyFolder_ThenPushToAFreshOrganization_GivesTheSameCatalog()
    {
        var source = await server.NewTenantAsync();
        using var sourceCli = CommandLine.For(source);
        Assert.Equal(0, (await sourceCli.RunAsync("push", "--file", WriteConfig(Config), "--yes")).Exit);

        var pulled = Path.Combine(work, "empty", "commet.config.json");
        var pull = await sourceCli.RunAsync("pull", "--file", pulled);
        Assert.True(pull.Exit == 0, pull.ToString());
        Assert.Contains("Wrote 2 feature(s) and 2 plan(s)", pull.Out, StringComparison.Ordinal);

        var fresh = await server.NewTenantAsync();
        using var freshCli = CommandLine.For(fresh);
        Assert.Empty((await fresh.Api.GetJson("/api/v1/plans?includePrivate=true")).Data.AsArray());
        var push = await freshCli.RunAsync("push", "--file", pulled, "--yes");
        var pulledBack = Path.Combine(work, "back", "commet.config.json");
        var pullBack = await freshCli.RunAsync("pull", "--file", pulledBack);
        var pushAgain = await freshCli.RunAsync("push", "--file", pulled, "--yes");

        Assert.True(push.Exit == 0, push.ToString());
        Assert.True(pullBack.Exit == 0, pullBack.ToString());
        Assert.Equal(await File.ReadAllTextAsync(pulled), await File.ReadAllTextAsync(pulledBack));
        Assert.Contains("Nothing to change", pushAgain.Out, StringComparison.Ordinal);
        // And the pulled file is the catalog itself, not an empty shell.
        var json = JsonNode.Parse(await File.ReadAllTextAsync(pulledBack))!;
        Assert.Equal(490000, json["plans"]!["pro"]!["prices"]![0]!["amount"]!.GetValue<long>());
        Assert.Equal("usage", json["features"]!["api_calls"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_1000Customers_With3BadRows_ReportsThemByLine_AndCreatesTheRest()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        var csv = new StringBuilder("id,email,fullName,timezone\n");
        // Data row i is on line i + 1 (line 1 is the header).
        for (var i = 1; i <= 1003; i++)
        {
            csv.Append(i switch
            {
                100 => "user_100,user100@example.com\n",                                      // line 101: two fields, the header has four
                500 => "user_500,not-an-email,Bad Email,Europe/Madrid\n",                    // line 501: the server refuses the email
                900 => "user_900,user900@example.com,\"Lovelace, Ada\",Mars/Olympus_Mons\n",  // line 901: unknown time zone
                _ => $"user_{i},user{i}@example.com,\"Customer {i}, Inc.\",Europe/Madrid\n",
            });
        }
        var file = WriteConfig(csv.ToString(), "customers.csv");

        var run = await cli.RunAsync("customers", "import", file);
        var rerun = await cli.RunAsync("customers", "import", file);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("1000 customer(s) imported or already present, 3 row(s) failed.", run.Out, StringComparison.Ordinal);
        var failedLines = run.Out.Split('\n').Where(l => l.StartsWith("  line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, failedLines.Count);
        Assert.StartsWith("  line 101: 2 field(s) where the header has 4", failedLines[0], StringComparison.Ordinal);
        Assert.StartsWith("  line 501: ", failedLines[1], StringComparison.Ordinal);
        Assert.Contains("email", failedLines[1], StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("  line 901: ", failedLines[2], StringComparison.Ordinal);
        Assert.Contains("time", failedLines[2], StringComparison.OrdinalIgnoreCase);
        // The progress bar counts the rows sent: 1003 data rows less the one refused before sending = 1002.
        Assert.Contains("1002/1002", run.Err, StringComparison.Ordinal);

        // Counted through the API: 1000 customers, and a second run (resuming) creates no duplicates.
        var commet = new CommetClient(tenant.SandboxKey, new CommetClientOptions { BaseUrl = server.BaseAddress });
        var customers = await commet.Customers.ListAsync().ToListAsync();
        Assert.Equal(1000, customers.Count);
        Assert.Contains("1000 customer(s) imported or already present, 3 row(s) failed.", rerun.Out, StringComparison.Ordinal);
        Assert.Equal(1000, (await commet.Customers.ListAsync().ToListAsync()).Count);
        var ada = await commet.Customers.GetAsync("user_42");
        Assert.Equal(("user42@example.com", "Customer 42, Inc.", "Europe/Madrid"), (ada.Email, ada.FullName, ada.Timezone));
        Assert.DoesNotContain(customers, c => c.ExternalId is "user_100" or "user_500" or "user_900");
    }

    [Fact]
    public async Task PortalUrl_PrintsALinkThatOpensTheCustomersPortal()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        await tenant.Api.PostJson("/api/v1/customers", new { id = "ann", email = "ann@example.com", fullName = "Ann Example" });

        var run = await cli.RunAsync("portal-url", "ann");

        Assert.True(run.Exit == 0, run.ToString());
        var link = new Uri(run.Out.Trim());
        Assert.Equal(server.BaseAddress.Authority, link.Authority);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = true, CookieContainer = new CookieContainer() });
        using var page = await browser.GetAsync(link);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("/portal", page.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("ann@example.com", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_PrintTheServersMessageAndRequestId_AndExitNonZero()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        using var badKey = new CommandLine(server.BaseAddress, "ck_test_not_a_real_key_000000000");

        var missing = await cli.RunAsync("customers", "get", "nobody");
        var unauthorized = await badKey.RunAsync("whoami");
        var badFile = await cli.RunAsync("push", "--file", Path.Combine(work, "nope.json"), "--yes");

        Assert.Equal(1, missing.Exit);
        Assert.Matches(@"^error: .+ \(customer_not_found, HTTP 404\)", missing.Err);
        Assert.Matches(@"request id: \S+", missing.Err);
        Assert.Equal("", missing.Out);
        Assert.Equal(1, unauthorized.Exit);
        Assert.Contains("HTTP 401", unauthorized.Err, StringComparison.Ordinal);
        Assert.Matches(@"request id: \S+", unauthorized.Err);
        Assert.Equal(2, badFile.Exit);
        Assert.Contains("nope.json not found", badFile.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginSavesAProfileOnlyItsOwnerCanRead_AndWhoAmIAndDoctorUseIt()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        // No COMMET_URL / COMMET_API_KEY: everything comes from the saved profile.
        cli.Environment["COMMET_URL"] = null;
        cli.Environment["COMMET_API_KEY"] = null;

        var login = await cli.RunAsync("login", "--url", server.BaseAddress.ToString(), "--api-key", tenant.SandboxKey, "--profile", "local");
        var whoami = await cli.RunAsync("whoami", "--profile", "local", "--json");
        var doctor = await cli.RunAsync("doctor", "--profile", "local");
        var noProfile = await cli.RunAsync("whoami");

        Assert.True(login.Exit == 0, login.ToString());
        var file = Path.Combine(cli.ConfigDir, "profiles.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.Contains(tenant.SandboxKey, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.True(whoami.Exit == 0, whoami.ToString());
        var who = JsonNode.Parse(whoami.Out)!;
        Assert.Equal((tenant.OrganizationId, "sandbox"), (who["organizationId"]!.GetValue<string>(), who["mode"]!.GetValue<string>()));
        Assert.True(doctor.Exit == 0, doctor.ToString());
        Assert.Matches(@"reachable\s+ok", doctor.Out);
        Assert.Matches(@"api key\s+ok", doctor.Out);
        Assert.Matches(@"mode\s+ok\s+sandbox", doctor.Out);
        Assert.Equal(2, noProfile.Exit);
        Assert.Contains("Not logged in (profile 'default')", noProfile.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ReportsAFailingWebhookEndpoint_AndClockSkew()
    {
        var tenant = await server.NewTenantAsync();
        using var cli = CommandLine.For(tenant);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = () => 500;
        var created = await tenant.Api.PostJson("/api/v1/webhooks", new { url = receiver.Url.ToString(), events = new[] { "customer.created" } });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        var id = created.Data["id"]!.GetValue<string>();
        Assert.False((await tenant.Api.PostJson($"/api/v1/webhooks/{id}/test", null)).Data["success"]!.GetValue<bool>());

        var doctor = await cli.RunAsync("doctor", "--json");

        // A failing endpoint is a warning, not a failure: the server itself is fine.
        Assert.True(doctor.Exit == 0, doctor.ToString());
        var checks = JsonNode.Parse(doctor.Out)!.AsArray();
        var webhooks = checks.Single(c => c!["check"]!.GetValue<string>() == "webhooks")!;
        Assert.Equal("warn", webhooks["status"]!.GetValue<string>());
        Assert.Contains($"{receiver.Url} failing: last delivery webhook.test failed after 1 attempt(s), HTTP 500", webhooks["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ok", checks.Single(c => c!["check"]!.GetValue<string>() == "clock skew")!["status"]!.GetValue<string>());

        // The server's clock ten minutes ahead of this machine's: past the 300 s webhook tolerance, so doctor fails.
        using var skewed = new SkewedDate(TimeSpan.FromMinutes(10));
        cli.Handler = skewed;
        var skewedRun = await cli.RunAsync("doctor");

        Assert.True(skewedRun.Exit == 1, skewedRun.ToString());
        Assert.Matches(@"clock skew\s+FAIL\s+\+(599|600|601) s", skewedRun.Out);
    }

    /// <summary>Answers as the server does, but with a <c>Date</c> header moved by <paramref name="skew"/>.</summary>
    private sealed class SkewedDate(TimeSpan skew) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            response.Headers.Date = DateTimeOffset.UtcNow + skew;
            return response;
        }
    }

    private static List<(string Interval, long Price, int TrialDays)> Prices(JsonNode plan) =>
        plan["prices"]!.AsArray().Select(p => (p!["billingInterval"]!.GetValue<string>(), p["price"]!.GetValue<long>(), p["trialDays"]!.GetValue<int>())).ToList();

    private static JsonNode Feature(JsonNode plan, string code) =>
        plan["features"]!.AsArray().Single(f => f!["code"]!.GetValue<string>() == code)!;

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class CliTests_Sqlite(SqliteServer server) : CliTests<SqliteServer>(server);

public sealed class CliTests_Postgres(PostgresServer server) : CliTests<PostgresServer>(server);
