using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Commet.Models;

namespace Commet.Cli;

/// <summary>The command tree. Every command resolves its server and key the same way and reports errors the same way.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken ct = default)
    {
        var root = Build(host);
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Err }, ct);
    }

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON for scripts instead of tables.", Recursive = true };

    private static readonly Option<string> ProfileOption = new("--profile")
    {
        Description = "The saved login to use (default: $COMMET_PROFILE or 'default').", Recursive = true,
    };

    internal sealed record Session(CliHost Host, ParseResult Parse, string ProfileName)
    {
        public bool Json => Parse.GetValue(JsonOption);

        public CommetClient Client()
        {
            var (url, key) = Profiles.Resolve(Host, ProfileName);
            return NewClient(Host, url, key);
        }
    }

    internal static CommetClient NewClient(CliHost host, Uri url, string key)
    {
        var options = new CommetClientOptions { BaseUrl = url, ApplicationId = "commet-cli", MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(500) };
        return host.Handler is null ? new CommetClient(key, options) : new CommetClient(key, options, new HttpClient(host.Handler, disposeHandler: false));
    }

    private static void Action(Command command, CliHost host, Func<Session, CancellationToken, Task<int>> run) =>
        command.SetAction(async (parse, ct) =>
        {
            var profile = parse.GetValue(ProfileOption) ?? host.Env("COMMET_PROFILE") ?? "default";
            try
            {
                return await run(new Session(host, parse, profile), ct);
            }
            catch (CommetApiException e)
            {
                host.Err.WriteLine($"error: {e.Message} ({e.Code}, HTTP {(int)e.Status})");
                foreach (var f in e.FieldErrors)
                {
                    host.Err.WriteLine($"  {f.Field}: {f.Message}");
                }
                if (e.RequestId is not null)
                {
                    host.Err.WriteLine($"request id: {e.RequestId}");
                }
                return 1;
            }
            catch (HttpRequestException e)
            {
                host.Err.WriteLine($"error: cannot reach the server: {e.Message}");
                return 1;
            }
            catch (TimeoutException e)
            {
                host.Err.WriteLine($"error: {e.Message}");
                return 1;
            }
            catch (CliException e)
            {
                host.Err.WriteLine($"error: {e.Message}");
                return 2;
            }
        });

    private static RootCommand Build(CliHost host)
    {
        var root = new RootCommand("commet: billing configuration as code and everyday operations against a Commet server.");
        root.Options.Add(JsonOption);
        root.Options.Add(ProfileOption);

        // login
        var url = new Option<string>("--url") { Description = "The server, such as http://localhost:5080." };
        var apiKey = new Option<string>("--api-key") { Description = "A ck_test_… or ck_live_… key (read from standard input when left out)." };
        var login = new Command("login", "Save a server URL and API key as a profile (0600) after checking them.") { url, apiKey };
        Action(login, host, async (s, ct) =>
        {
            var u = s.Parse.GetValue(url) ?? host.Env("COMMET_URL") ?? Prompt(host, "Server URL: ");
            var k = s.Parse.GetValue(apiKey) ?? host.Env("COMMET_API_KEY") ?? Prompt(host, "API key: ");
            if (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException($"'{u}' is not a server URL such as http://localhost:5080.");
            }
            var who = await NewClient(host, uri, k).ApiKeys.WhoAmIAsync(ct);
            var profiles = Profiles.Load(host);
            profiles[s.ProfileName] = new Profile { Url = uri.ToString().TrimEnd('/'), ApiKey = k };
            Profiles.Save(host, profiles);
            if (s.Json)
            {
                host.WriteJson(new { profile = s.ProfileName, url = uri, who.OrganizationId, who.OrganizationName, mode = Mode(who.Livemode), file = Profiles.FilePath(host) });
            }
            else
            {
                host.Out.WriteLine($"Logged in to {uri} as {who.OrganizationName} ({who.OrganizationId}, {Mode(who.Livemode)}). Saved as profile '{s.ProfileName}' in {Profiles.FilePath(host)}.");
            }
            return 0;
        });
        root.Subcommands.Add(login);

        var whoami = new Command("whoami", "Show the organization, mode and server of the current key.");
        Action(whoami, host, async (s, ct) =>
        {
            var (u, _) = Profiles.Resolve(host, s.ProfileName);
            var who = await s.Client().ApiKeys.WhoAmIAsync(ct);
            if (s.Json)
            {
                host.WriteJson(new { url = u, who.OrganizationId, who.OrganizationName, who.ApiKeyId, mode = Mode(who.Livemode), who.ServerVersion });
            }
            else
            {
                host.WriteTable(["server", "organization", "id", "mode", "key", "version"],
                    [[u.ToString(), who.OrganizationName, who.OrganizationId, Mode(who.Livemode), who.ApiKeyId, who.ServerVersion]]);
            }
            return 0;
        });
        root.Subcommands.Add(whoami);

        var doctor = new Command("doctor", "Check the server: reachability, key, mode, clock skew, version, failing webhook endpoints.");
        Action(doctor, host, (s, ct) => Doctor.RunAsync(s, ct));
        root.Subcommands.Add(doctor);

        CatalogCommands.Add(root, host, Action);
        OperationCommands.Add(root, host, Action);
        ListenCommands.Add(root, host, Action);
        return root;
    }

    internal static string Mode(bool livemode) => livemode ? "live" : "sandbox";

    private static string Prompt(CliHost host, string label)
    {
        host.Err.Write(label);
        return host.In.ReadLine()?.Trim() is { Length: > 0 } v ? v : throw new CliException(label.TrimEnd(' ', ':') + " is required.");
    }

    internal delegate void ActionBinder(Command command, CliHost host, Func<Session, CancellationToken, Task<int>> run);

    internal static Option<bool> Json => JsonOption;
}

/// <summary><c>commet doctor</c>: each check prints ok, warn or FAIL; any FAIL sets exit code 1.</summary>
internal static class Doctor
{
    public static async Task<int> RunAsync(CliApp.Session s, CancellationToken ct)
    {
        var host = s.Host;
        var (url, key) = Profiles.Resolve(host, s.ProfileName);
        var checks = new List<(string Check, string Status, string Detail)>();

        using var http = host.Handler is null ? new HttpClient() : new HttpClient(host.Handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(10);
        var watch = Stopwatch.StartNew();
        try
        {
            using var health = await http.GetAsync(new Uri(url, "healthz"), ct);
            watch.Stop();
            checks.Add(("reachable", health.IsSuccessStatusCode ? "ok" : "FAIL", $"{url} answered {(int)health.StatusCode} in {watch.ElapsedMilliseconds} ms"));
            if (health.Headers.Date is { } date)
            {
                var skew = date - DateTimeOffset.UtcNow;
                var seconds = Math.Abs(skew.TotalSeconds);
                checks.Add(("clock skew", seconds > 300 ? "FAIL" : seconds > 30 ? "warn" : "ok",
                    $"{(skew >= TimeSpan.Zero ? "+" : "-")}{seconds.ToString("0", CultureInfo.InvariantCulture)} s against this machine (webhook signatures allow 300 s)"));
            }
            else
            {
                checks.Add(("clock skew", "warn", "the server sent no Date header"));
            }
        }
        catch (HttpRequestException e)
        {
            checks.Add(("reachable", "FAIL", $"{url}: {e.Message}"));
            return Report(s, checks);
        }

        var commet = CliApp.NewClient(host, url, key);
        try
        {
            var who = await commet.ApiKeys.WhoAmIAsync(ct);
            checks.Add(("api key", "ok", $"{who.OrganizationName} ({who.OrganizationId})"));
            checks.Add(("mode", "ok", CliApp.Mode(who.Livemode) + (key.StartsWith("ck_live_", StringComparison.Ordinal) == who.Livemode ? "" : " (the key's prefix says otherwise)")));
            checks.Add(("server version", "ok", who.ServerVersion));
        }
        catch (CommetApiException e)
        {
            checks.Add(("api key", "FAIL", $"{e.Message} ({e.Code}{(e.RequestId is null ? "" : ", request id " + e.RequestId)})"));
            return Report(s, checks);
        }

        try
        {
            // An endpoint is failing when it is switched off, or when its latest delivery failed or is waiting to be retried.
            var endpoints = await commet.Webhooks.ListAsync(cancellationToken: ct).ToListAsync(ct);
            var problems = new List<string>();
            foreach (var e in endpoints)
            {
                if (!e.IsActive)
                {
                    problems.Add($"{e.Url} disabled{(e.DisabledReason is { } why ? " (" + why + ")" : "")}");
                    continue;
                }
                var last = await commet.Webhooks.ListDeliveriesAsync(e.Id, new ListWebhookDeliveriesOptions { PageSize = 1 }, ct).FirstOrDefaultAsync(ct);
                if (last is { Status: "failed" } or { Status: "pending", Attempts: > 0 })
                {
                    var answer = last.LastStatusCode is { } code ? $"HTTP {code}" : last.LastError ?? "no answer";
                    problems.Add($"{e.Url} failing: last delivery {last.Event} {last.Status} after {last.Attempts} attempt(s), {answer}");
                }
            }
            checks.Add(("webhooks", problems.Count == 0 ? "ok" : "warn",
                problems.Count == 0 ? $"{endpoints.Count} endpoint(s), none disabled or failing" : string.Join("; ", problems)));
        }
        catch (CommetApiException e) when (e.Status is HttpStatusCode.NotImplemented or HttpStatusCode.NotFound)
        {
            checks.Add(("webhooks", "ok", "this server has no webhook endpoints API yet"));
        }

        return Report(s, checks);
    }

    private static int Report(CliApp.Session s, List<(string Check, string Status, string Detail)> checks)
    {
        if (s.Json)
        {
            s.Host.WriteJson(checks.Select(c => new { check = c.Check, status = c.Status.ToLowerInvariant(), detail = c.Detail }));
        }
        else
        {
            s.Host.WriteTable(["check", "status", "detail"], checks.Select(c => new[] { c.Check, c.Status, c.Detail }));
        }
        return checks.Any(c => c.Status == "FAIL") ? 1 : 0;
    }
}
