using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The generated hostile suite. Every API route is taken from the server's own endpoint data source (so a new
/// route is covered the day it is mapped), its body fields from the type the route binds and its query parameters
/// from the OpenAPI document; every portal page handler from the Razor page descriptors; and the hosted Pay page.
/// Each is sent malformed and extreme input: wrong types, missing and extra fields, extreme numbers, odd unicode,
/// huge and deep bodies, broken JSON, bad cursors and content types, hostile path segments, forged IDs.
/// Whatever arrives: no 5xx but the documented 501s; every API refusal in the error envelope; no stack trace; no
/// markup sent in echoed back unescaped; another organization's or mode's IDs answer as IDs that do not exist.
/// The figures are printed (and appended to <c>COMMET_HOSTILE_OUT</c> when test.sh sets it). The generator's
/// seed is fixed per database so a run is reproducible; <c>COMMET_HOSTILE_SEED</c> explores other inputs and
/// <c>COMMET_HOSTILE_REQUESTS</c> changes the API budget.
/// </summary>
public abstract partial class HostileInputTests<TServer>(TServer server, ITestOutputHelper output) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private const int Workers = 4;

    private static int ApiBudget => int.TryParse(Environment.GetEnvironmentVariable("COMMET_HOSTILE_REQUESTS"), out var n) ? n : 4000;

    private int Seed => int.TryParse(Environment.GetEnvironmentVariable("COMMET_HOSTILE_SEED"), out var s) ? s : server.Name.Length * 7919;

    /// <summary>One organization in one mode, with one of everything, and the IDs of what it owns by kind.</summary>
    private sealed class Side(string name, string organizationId, bool livemode, HttpClient api, string secret)
    {
        public string Name { get; } = name;
        public string OrganizationId { get; } = organizationId;
        public bool Livemode { get; } = livemode;
        public HttpClient Api { get; } = api;

        /// <summary>A text only this side's data holds; it must never appear in another side's answers.</summary>
        public string Secret { get; } = secret;

        public Dictionary<string, List<string>> Ids { get; } = new(StringComparer.Ordinal);

        public string Customer { get; set; } = "";
        public string Subscription { get; set; } = "";

        public void Add(string kind, string? id)
        {
            if (string.IsNullOrEmpty(id))
            {
                return;
            }
            if (!Ids.TryGetValue(kind, out var list))
            {
                Ids[kind] = list = [];
            }
            if (!list.Contains(id))
            {
                list.Add(id);
            }
        }

        public string? Any(string kind, Random rng) => Ids.TryGetValue(kind, out var list) && list.Count > 0 ? list[rng.Next(list.Count)] : null;
    }

    private sealed record Probe(string Category, HttpClient Client, HttpMethod Method, string Url, byte[]? Body, string? ContentType, bool Api);

    // ---------------------------------------------------------------- arranging

    private async Task<Side> SideAsync(string prefix, TestTenant tenant, bool livemode)
    {
        HttpClient api;
        if (livemode)
        {
            await using var db = tenant.Server.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContext();
            var (_, secret) = await tenant.Server.Services.GetRequiredService<ApiKeyService>().CreateAsync(db, tenant.OrganizationId, true, "hostile", null, null, CancellationToken.None);
            api = server.Client(secret);
        }
        else
        {
            api = tenant.Api;
        }
        var side = new Side(prefix, tenant.OrganizationId, livemode, api, $"Secret of {prefix} {Guid.NewGuid():N}");
        async Task Create(string kind, string path, object body)
        {
            var answer = await api.PostJson(path, body);
            if ((int)answer.Status < 300 && answer.Body?["data"] is JsonObject data)
            {
                side.Add(kind, data["id"]?.GetValue<string>());
                side.Add(kind, data["code"]?.GetValue<string>());
                side.Add(kind, data["externalId"]?.GetValue<string>());
            }
        }
        await Create("feature", "/api/v1/features/manage", new { code = prefix + "feat", name = side.Secret, type = "usage" });
        await Create("feature", "/api/v1/features/manage", new { code = prefix + "seats", name = "Seats", type = "seats" });
        await Create("feature", "/api/v1/features/manage", new { code = prefix + "flag", name = "Flag", type = "boolean" });
        await Create("group", "/api/v1/plan-groups", new { name = side.Secret });
        await Create("plan", "/api/v1/plans/manage", new { code = prefix + "pro", name = side.Secret, planGroupId = side.Any("group", new Random(1)) });
        await Create("plan", "/api/v1/plans/manage", new { code = prefix + "max", name = "Max", planGroupId = side.Any("group", new Random(1)) });
        foreach (var (code, price) in new[] { (prefix + "pro", 4900), (prefix + "max", 9900) })
        {
            await api.PostJson($"/api/v1/plans/{code}/prices", new { billingInterval = "monthly", price });
            await api.PostJson($"/api/v1/plans/{code}/features", new { featureId = prefix + "feat", includedAmount = 100, overage = new { enabled = true, unitPrice = 20 } });
            var plan = await api.GetJson($"/api/v1/plans/{code}");
            foreach (var p in plan.Body?["data"]?["prices"] as JsonArray ?? [])
            {
                side.Add("price", p?["id"]?.GetValue<string>());
            }
        }
        await Create("addon", "/api/v1/addons", new { name = side.Secret, basePrice = 500, featureId = prefix + "feat", includedUnits = 10 });
        await Create("pack", "/api/v1/credit-packs/manage", new { name = side.Secret, credits = 500, price = 1500 });
        await Create("webhook", "/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "*" } });
        side.Customer = prefix + "ann";
        await Create("customer", "/api/v1/customers", new { id = side.Customer, email = side.Customer + "@example.com", fullName = side.Secret });
        if (!livemode)
        {
            await api.Card(side.Customer, "4242424242424242");
        }
        await Create("customer", "/api/v1/customers", new { id = prefix + "bob", email = prefix + "bob@example.com", fullName = side.Secret });
        var subscription = await api.PostJson("/api/v1/subscriptions", new { customerId = side.Customer, planCode = prefix + "pro" });
        side.Subscription = subscription.Body?["data"]?["id"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"No subscription: {subscription}");
        side.Add("subscription", side.Subscription);
        await api.PostJson("/api/v1/invoices", new { customerId = side.Customer, amount = 100, description = side.Secret });
        var keys = await api.GetJson("/api/v1/api-keys");
        foreach (var k in keys.Body?["data"] as JsonArray ?? [])
        {
            side.Add("apikey", k?["id"]?.GetValue<string>());
        }
        await using (var db = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContext())
        {
            db.ScopeTo(tenant.OrganizationId, livemode);
            foreach (var id in await db.Invoices.Select(i => i.Id).ToListAsync())
            {
                side.Add("invoice", id);
            }
            foreach (var id in await db.Transactions.Select(i => i.Id).ToListAsync())
            {
                side.Add("transaction", id);
            }
            foreach (var id in await db.HostedSessions.Select(i => i.Id).ToListAsync())
            {
                side.Add("hosted", id);
            }
        }
        side.Add("organization", tenant.OrganizationId);
        return side;
    }

    /// <summary>The kind of object a route parameter names, from its name and the literal segment before it.</summary>
    private static string KindOf(string? before, string parameter) => parameter switch
    {
        "priceId" => "price",
        "featureId" or "featureCode" => "feature",
        "addonId" => "addon",
        "planId" or "planCode" => "plan",
        "customerId" => "customer",
        "subscriptionId" => "subscription",
        "invoiceId" => "invoice",
        "creditPackId" => "pack",
        "organizationId" => "organization",
        "planGroupId" => "group",
        _ => before switch
        {
            "customers" => "customer",
            "subscriptions" => "subscription",
            "plans" => "plan",
            "features" => "feature",
            "addons" => "addon",
            "plan-groups" => "group",
            "invoices" => "invoice",
            "credit-packs" => "pack",
            "transactions" => "transaction",
            "api-keys" => "apikey",
            "webhooks" => "webhook",
            "card" => "hosted",
            _ => "unknown",
        },
    };

    // ---------------------------------------------------------------- the routes

    private sealed record Route(string Pattern, string Method, RoutePattern Parsed, Type? BodyType, string[] Query);

    private async Task<List<Route>> ApiRoutesAsync()
    {
        var sources = server.Services.GetRequiredService<EndpointDataSource>();
        using var plain = new HttpClient { BaseAddress = server.BaseAddress };
        using var document = JsonDocument.Parse(await plain.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var routes = new List<Route>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var raw = endpoint.RoutePattern.RawText ?? "";
            if (!raw.StartsWith("/api", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET", "POST", "PUT", "PATCH", "DELETE"];
            var bodyType = endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Select(a => a.RequestType).FirstOrDefault(t => t is not null);
            foreach (var method in methods)
            {
                var query = new List<string>();
                if (paths.TryGetProperty(raw, out var path) && path.TryGetProperty(method.ToLowerInvariant(), out var operation)
                    && operation.TryGetProperty("parameters", out var parameters))
                {
                    query.AddRange(parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!));
                }
                routes.Add(new Route(raw, method, endpoint.RoutePattern, bodyType, [.. query]));
            }
        }
        return routes;
    }

    /// <summary>A URL for the route with each parameter given by <paramref name="fill"/> (already escaped).</summary>
    private static string UrlOf(RoutePattern pattern, Func<string?, RoutePatternParameterPart, string> fill)
    {
        var url = new StringBuilder();
        string? before = null;
        foreach (var segment in pattern.PathSegments)
        {
            url.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        url.Append(literal.Content);
                        before = literal.Content;
                        break;
                    case RoutePatternParameterPart parameter:
                        url.Append(fill(before, parameter));
                        break;
                    case RoutePatternSeparatorPart separator:
                        url.Append(separator.Content);
                        break;
                }
            }
        }
        if (pattern.RawText?.EndsWith('/') == true && url.Length > 1)
        {
            url.Append('/');
        }
        return url.ToString();
    }

    /// <summary>An own, valid value for a parameter or field of the given kind, so that the other inputs reach the handler.</summary>
    private static string Own(Side side, string kind, Random rng, string parameter) => kind switch
    {
        "unknown" when parameter == "mode" => rng.Next(2) == 0 ? "sandbox" : "live",
        "unknown" => "x" + rng.Next(1000),
        _ => side.Any(kind, rng) ?? "x",
    };

    // ---------------------------------------------------------------- bodies

    /// <summary>The JSON fields of a request type: name, a valid-looking value, and the CLR type.</summary>
    private static List<(string Name, string Valid, Type Type)> FieldsOf(Type? type, Side side, Random rng, int depth = 0)
    {
        var fields = new List<(string, string, Type)>();
        if (type is null || depth > 1)
        {
            return fields;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            fields.Add((name, ValidFor(name, property.PropertyType, side, rng, depth), property.PropertyType));
        }
        return fields;
    }

    private static string ValidFor(string name, Type type, Side side, Random rng, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var lower = name.ToLowerInvariant();
        if (t == typeof(string))
        {
            var kind = KindOf(null, name);
            if (kind != "unknown")
            {
                return HostileValues.JsonString(Own(side, kind, rng, name));
            }
            return lower switch
            {
                _ when lower.Contains("email", StringComparison.Ordinal) => "\"x@example.com\"",
                _ when lower.Contains("url", StringComparison.Ordinal) => "\"http://127.0.0.1:9/x\"",
                "currency" => "\"USD\"",
                "billinginterval" or "interval" => "\"monthly\"",
                "type" => "\"usage\"",
                "consumptionmodel" => "\"credits\"",
                "feature" => HostileValues.JsonString(Own(side, "feature", rng, name)),
                "plan" => HostileValues.JsonString(Own(side, "plan", rng, name)),
                "event" => "\"subscription.canceled\"",
                "code" => $"\"c{rng.Next(100000)}\"",
                "id" => $"\"i{rng.Next(100000)}\"",
                _ when lower.EndsWith("at", StringComparison.Ordinal) || lower.Contains("date", StringComparison.Ordinal) || lower.Contains("time", StringComparison.Ordinal)
                    => "\"2027-01-01T00:00:00Z\"",
                _ => "\"x\"",
            };
        }
        if (t == typeof(bool))
        {
            return rng.Next(2) == 0 ? "true" : "false";
        }
        if (t == typeof(int) || t == typeof(long) || t == typeof(decimal) || t == typeof(double) || t == typeof(short))
        {
            return (1 + rng.Next(100)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (t == typeof(DateTime) || t == typeof(DateTimeOffset))
        {
            return "\"2027-01-01T00:00:00Z\"";
        }
        if (t == typeof(JsonElement) || t == typeof(JsonNode))
        {
            return "\"x\"";
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return t.GetGenericArguments()[1] == typeof(long) || t.GetGenericArguments()[1] == typeof(int) ? "{\"" + Own(side, "feature", rng, "featureId") + "\":1}" : "{\"k\":\"v\"}";
        }
        if (t != typeof(string) && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))
        {
            var item = t.IsArray ? t.GetElementType()! : t.GetGenericArguments().FirstOrDefault() ?? typeof(string);
            return item == typeof(string) ? (lower == "events" ? "[\"*\"]" : "[\"x\"]") : "[" + ValidFor(name, item, side, rng, depth + 1) + "]";
        }
        if (t.IsClass)
        {
            return ObjectOf(FieldsOf(t, side, rng, depth + 1).Select(f => (f.Name, (string?)f.Valid)));
        }
        return "null";
    }

    private static string ObjectOf(IEnumerable<(string Name, string? Value)> fields) =>
        "{" + string.Join(",", fields.Where(f => f.Value is not null).Select(f => HostileValues.JsonString(f.Name) + ":" + f.Value)) + "}";

    private static string Pick(Random rng, IReadOnlyList<string> values) => values[rng.Next(values.Count)];

    private static string AnyEdge(Random rng) => rng.Next(3) switch
    {
        0 => Pick(rng, HostileValues.Numbers),
        1 => HostileValues.JsonString(Pick(rng, HostileValues.Strings)),
        _ => Pick(rng, HostileValues.Shapes),
    };

    /// <summary>The categories of a route with a body, sent round-robin so each reaches every route.</summary>
    private static readonly string[] BodyCategories =
    [
        "valid-looking", "missing-fields", "extra-fields", "wrong-types", "extreme-numbers", "odd-strings", "odd-strings",
        "extreme-numbers", "duplicate-keys", "malformed-json", "deep-json", "bad-content-type", "hostile-path", "wrong-types",
    ];

    private static readonly string[] ReadCategories = ["hostile-path", "bad-query", "bad-cursor", "hostile-path", "bad-query", "odd-headers"];

    private static Probe MakeProbe(Route route, string category, Side side, HttpClient client, Random rng)
    {
        var fields = FieldsOf(route.BodyType, side, rng);
        string PathValue(string? before, RoutePatternParameterPart p)
        {
            if (p.IsCatchAll)
            {
                var (value, raw) = HostileValues.PathSegments[rng.Next(HostileValues.PathSegments.Length)];
                return "x/" + (raw ? value : Uri.EscapeDataString(value));
            }
            if (category == "hostile-path" && rng.Next(3) > 0)
            {
                var (value, raw) = HostileValues.PathSegments[rng.Next(HostileValues.PathSegments.Length)];
                return raw ? value : Uri.EscapeDataString(value);
            }
            return Uri.EscapeDataString(Own(side, KindOf(before, p.Name), rng, p.Name));
        }
        var url = UrlOf(route.Parsed, PathValue);
        var hasBody = route.Method is "POST" or "PUT" or "PATCH" || (route.Method == "DELETE" && route.BodyType is not null);
        string? body = hasBody ? ObjectOf(fields.Select(f => (f.Name, (string?)f.Valid))) : null;
        string? contentType = "application/json";
        switch (category)
        {
            case "missing-fields":
                body = rng.Next(3) == 0 ? "{}" : ObjectOf(fields.Select(f => (f.Name, rng.Next(2) == 0 ? null : (string?)f.Valid)));
                break;
            case "extra-fields":
                body = ObjectOf(fields.Select(f => (f.Name, (string?)f.Valid))
                    .Append(("zzz" + rng.Next(10), AnyEdge(rng))).Append(("__proto__", "{\"admin\":true}")).Append(("$type", "\"System.IO.FileInfo\""))
                    .Append((Pick(rng, ["organizationId", "livemode", "id", "createdAt", "amountDue"]), AnyEdge(rng))));
                break;
            case "wrong-types" or "extreme-numbers" or "odd-strings" when fields.Count > 0:
                var target = rng.Next(fields.Count);
                body = ObjectOf(fields.Select((f, i) => (f.Name, (string?)(i != target && rng.Next(4) > 0 ? f.Valid : category switch
                {
                    "wrong-types" => f.Valid.StartsWith('"') ? Pick(rng, [.. HostileValues.Numbers, .. HostileValues.Shapes]) : HostileValues.JsonString(Pick(rng, HostileValues.Strings)),
                    "extreme-numbers" => Pick(rng, HostileValues.Numbers),
                    _ => HostileValues.JsonString(Pick(rng, HostileValues.Strings)),
                }))));
                break;
            case "wrong-types" or "extreme-numbers" or "odd-strings":
                body = "{\"" + Pick(rng, ["name", "amount", "id", "value"]) + "\":" + AnyEdge(rng) + "}";
                break;
            case "duplicate-keys" when fields.Count > 0:
                var dup = fields[rng.Next(fields.Count)];
                body = ObjectOf(fields.Select(f => (f.Name, (string?)f.Valid)).Append((dup.Name, AnyEdge(rng))));
                break;
            case "malformed-json":
                body = Pick(rng, HostileValues.Malformed);
                break;
            case "deep-json":
                int[] depths = [33, 64, 1000, 20000];
                var depth = depths[rng.Next(depths.Length)];
                var nested = rng.Next(2) == 0 ? HostileValues.Deep(depth) : HostileValues.DeepObject(depth);
                body = rng.Next(2) == 0 || fields.Count == 0 ? nested : ObjectOf(fields.Select((f, i) => (f.Name, (string?)(i == 0 ? nested : f.Valid))));
                break;
            case "bad-content-type":
                contentType = HostileValues.ContentTypes[rng.Next(HostileValues.ContentTypes.Length)];
                body ??= "{}";
                if (rng.Next(3) == 0)
                {
                    body = "<a>1</a>";
                }
                break;
            case "huge-body":
                int[] sizes = [1_048_000, 1_100_000, 3_000_000];
                body = HostileValues.Huge(sizes[rng.Next(sizes.Length)]);
                break;
            case "bad-query" or "bad-cursor":
                var names = route.Query.Length > 0 ? route.Query : ["limit", "cursor", "customerId", "status"];
                var pairs = new List<string>();
                foreach (var name in names.Where(_ => rng.Next(2) == 0).DefaultIfEmpty(names[rng.Next(names.Length)]))
                {
                    var value = category == "bad-cursor" || name == "cursor" ? Pick(rng, HostileValues.Cursors().ToList())
                        : name == "limit" ? Pick(rng, HostileValues.Limits)
                        : Uri.EscapeDataString(Pick(rng, HostileValues.Strings));
                    pairs.Add(name + "=" + value);
                }
                if (category == "bad-cursor")
                {
                    pairs.Add("cursor=" + Pick(rng, HostileValues.Cursors().ToList()));
                }
                url += "?" + string.Join("&", pairs);
                break;
        }
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body);
        if (category == "bad-content-type" && contentType?.Contains("utf-16", StringComparison.Ordinal) == true && rng.Next(2) == 0)
        {
            bytes = Encoding.Unicode.GetBytes(body!);
        }
        return new Probe(category, client, new HttpMethod(route.Method), url, bytes, contentType, true);
    }

    // ---------------------------------------------------------------- sending and judging

    private static readonly HttpClient NoKey = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };

    private async Task SendAllAsync(IEnumerable<Probe> probes, HostileTally tally, Side? foreign = null)
    {
        await Parallel.ForEachAsync(probes, new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (probe, ct) =>
        {
            var (status, text, app) = await SendAsync(probe, tally);
            if (status is null)
            {
                return;
            }
            Judge(probe, status.Value, text, app, tally);
            if (foreign is not null && text.Contains(foreign.Secret, StringComparison.Ordinal))
            {
                tally.Violation($"LEAK of {foreign.Name}'s data: {probe.Method} {probe.Url} → {status}: {text}");
            }
        });
    }

    /// <summary>Sends one probe; a connection that fails is itself a violation.</summary>
    private async Task<(int? Status, string Text, bool App)> SendAsync(Probe probe, HostileTally tally)
    {
        using var request = new HttpRequestMessage(probe.Method, new Uri(server.BaseAddress, probe.Url));
        if (probe.Body is not null)
        {
            // A large body is sent as well-behaved clients send one: after the server agrees to read it.
            request.Headers.ExpectContinue = probe.Body.Length > 100_000;
            request.Content = new ByteArrayContent(probe.Body);
            request.Content.Headers.ContentType = null;
            if (probe.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
            }
        }
        try
        {
            using var response = await probe.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var text = response.Content.Headers.ContentType?.MediaType is "text/event-stream" or "application/pdf"
                ? "" : await response.Content.ReadAsStringAsync();
            // Every answer of the application carries a request ID; one without was given by Kestrel before the application ran.
            return ((int)response.StatusCode, text, response.Headers.Contains("x-request-id"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            tally.Record(probe.Category, 599);
            tally.Violation($"NO ANSWER ({ex.GetType().Name}: {ex.Message}) to {probe.Method} {Short(probe.Url)} body {Short(probe.Body)}");
            return (null, "", false);
        }
    }

    private static string Short(string? text) => text is null ? "" : text.Length > 300 ? text[..300] + "…" : text;

    private static string Short(byte[]? body) => body is null ? "(none)" : Short(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400)));

    private static void Judge(Probe probe, int status, string text, bool app, HostileTally tally)
    {
        if (!app)
        {
            // Kestrel refuses a request it cannot parse (a NUL or a broken escape in the path, a request line over
            // 8 KB) before any application code runs, with an empty body: the one documented exception to the envelope.
            tally.Record("rejected-by-kestrel", status);
            if (status is not (400 or 414 or 431) || text.Length > 0)
            {
                tally.Violation($"UNEXPECTED ANSWER WITHOUT REQUEST ID: {probe.Method} {Short(probe.Url)} → {status} {Short(text)}");
            }
            return;
        }
        JsonNode? json = null;
        if (text.StartsWith('{'))
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }
        }
        var code = json?["error"]?["code"]?.GetValue<string>();
        var documented = status == 501 && code == "endpoint_not_available";
        tally.Record(probe.Category, status, documented);
        var what = $"{probe.Method} {Short(probe.Url)} [{probe.ContentType}] body {Short(probe.Body)} → {status} {Short(text)}";
        if (status >= 500 && !documented)
        {
            tally.Violation("5xx: " + what);
        }
        if (text.Contains("   at Commet.", StringComparison.Ordinal) || text.Contains("Exception:", StringComparison.Ordinal))
        {
            tally.Violation("STACK TRACE: " + what);
        }
        if (probe.Api && status >= 400)
        {
            var error = json?["error"];
            if (json?["success"]?.GetValue<bool>() != false || string.IsNullOrEmpty(code)
                || string.IsNullOrEmpty(error?["message"]?.GetValue<string>()) || string.IsNullOrEmpty(error?["type"]?.GetValue<string>()))
            {
                tally.Violation("NO ENVELOPE: " + what);
            }
            else if (code == "validation_error" && (status != 422 || error?["details"] is not JsonArray { Count: > 0 }))
            {
                tally.Violation("VALIDATION WITHOUT 422/DETAILS: " + what);
            }
        }
        if (!probe.Api && text.Contains(HostileValues.Tag, StringComparison.Ordinal))
        {
            tally.Violation("UNESCAPED MARKUP: " + what);
        }
    }

    private void Report(string title, HostileTally tally)
    {
        var lines = tally.Lines($"hostile input [{server.Name}] {title} (seed {Seed})").ToList();
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }
        if (Environment.GetEnvironmentVariable("COMMET_HOSTILE_OUT") is { Length: > 0 } file)
        {
            lock (typeof(HostileTally))
            {
                File.AppendAllLines(file, lines);
            }
        }
        Assert.True(tally.Violations == 0, $"{tally.Violations} violations:\n{tally.Report()}");
    }

    // ---------------------------------------------------------------- the tests

    [Fact]
    public async Task EveryApiRoute_HostileRequests_NoServerError_EveryRefusalInTheEnvelope()
    {
        var rng = new Random(Seed);
        var tenant = await server.NewTenantAsync();
        var side = await SideAsync("a", tenant, livemode: false);
        await side.Api.SetClock(Utc(2027, 4, 10));
        var routes = await ApiRoutesAsync();
        Assert.True(routes.Count > 100, $"only {routes.Count} API routes found");
        var perRoute = Math.Max(4, ApiBudget / routes.Count);
        var probes = new List<Probe>();
        foreach (var route in routes)
        {
            var hasBody = route.BodyType is not null || route.Method is "POST" or "PUT" or "PATCH";
            var categories = hasBody ? BodyCategories : ReadCategories;
            for (var i = 0; i < perRoute; i++)
            {
                var category = categories[(i + rng.Next(2)) % categories.Length];
                var probe = MakeProbe(route, category, side, side.Api, rng);
                if (category == "odd-headers")
                {
                    probe = probe with { Client = Pick(rng, ["none", "bad", "live"]) switch { "none" => NoKey, "bad" => BadKey, _ => side.Api } };
                }
                probes.Add(probe);
            }
            if (hasBody && rng.Next(6) == 0)
            {
                probes.Add(MakeProbe(route, "huge-body", side, side.Api, rng));
            }
        }
        // No key, a wrong key, and a route that does not exist, for a sample of the routes.
        foreach (var route in routes.Where(_ => rng.Next(4) == 0))
        {
            probes.Add(MakeProbe(route, "valid-looking", side, rng.Next(2) == 0 ? NoKey : BadKey, rng) with { Category = "no-or-bad-key" });
        }

        var tally = new HostileTally();
        await SendAllAsync(probes, tally);

        Report($"API routes ({routes.Count} route-methods)", tally);
    }

    // ---------------------------------------------------------------- portal forms and the Pay page

    private sealed record PageHandler(RoutePattern Pattern, string Method, string? Name, List<string> Fields);

    /// <summary>Every handler of every Razor page (portal and Pay), with the fields it binds.</summary>
    private async Task<List<PageHandler>> PageHandlersAsync()
    {
        var loader = server.Services.GetRequiredService<PageLoader>();
        var handlers = new List<PageHandler>();
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } page)
            {
                continue;
            }
            var compiled = page as CompiledPageActionDescriptor ?? await loader.LoadAsync(page, endpoint.Metadata);
            var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var bound = compiled.BoundProperties.SelectMany(p => FormNames(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType)).ToList();
            foreach (var handler in compiled.HandlerMethods)
            {
                var fields = handler.Parameters
                    .Where(p => p.ParameterType != typeof(CancellationToken) && !routeNames.Contains(p.Name))
                    .SelectMany(p => FormNames(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType))
                    .Concat(string.Equals(handler.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase) ? bound : [])
                    .Distinct(StringComparer.Ordinal).ToList();
                handlers.Add(new PageHandler(endpoint.RoutePattern, handler.HttpMethod.ToUpperInvariant(), handler.Name, fields));
            }
        }
        return handlers;
    }

    /// <summary>A page's route as a path (Razor page routes have no leading slash).</summary>
    private static string PathOf(RoutePattern pattern) => "/" + (pattern.RawText ?? "").TrimStart('/');

    private static IEnumerable<string> FormNames(string name, Type type)
    {
        if (type == typeof(string) || type.IsValueType || !type.IsClass)
        {
            return [name];
        }
        var inner = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name).ToList();
        return [name, .. inner, .. inner.Select(i => name + "." + i)];
    }

    /// <summary>A browser: cookies kept, redirects not followed.</summary>
    private HttpClient Browser() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    [GeneratedRegex("name=\"([A-Za-z0-9_.\\[\\]]+)\"")]
    private static partial Regex InputNamePattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("name=\"chargeToken\" value=\"([^\"]+)\"")]
    private static partial Regex ChargePattern();

    [Fact]
    public async Task PortalFormsAndPayPage_HostileRequests_NoServerError_NothingEchoedUnescaped()
    {
        var rng = new Random(Seed + 1);
        var tenant = await server.NewTenantAsync();
        var side = await SideAsync("a", tenant, livemode: false);
        var foreign = await SideAsync("b", await server.NewTenantAsync(), livemode: false);
        await side.Api.SetClock(Utc(2027, 4, 10));
        // Pay links: checkouts of customers without a card.
        var payTokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await side.Api.Customer($"payer{i}", card: null);
            var pending = await side.Api.PostJson("/api/v1/subscriptions", new { customerId = $"payer{i}", planCode = "apro" });
            var url = pending.Body?["data"]?["checkoutUrl"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"No checkout: {pending}");
            payTokens.Add(new Uri(url).AbsolutePath["/pay/".Length..]);
        }
        await using (var db = tenant.Db())
        {
            foreach (var id in await db.HostedSessions.Select(h => h.Id).ToListAsync())
            {
                side.Add("hosted", id);
            }
        }
        var handlers = await PageHandlersAsync();
        Assert.Contains(handlers, h => PathOf(h.Pattern) == "/pay/{token}" && h.Method == "POST");
        Assert.True(handlers.Count(h => h.Method == "POST" && PathOf(h.Pattern).StartsWith("/portal", StringComparison.Ordinal)) >= 10, "too few portal form handlers found");
        var perHandler = Math.Max(10, 1000 / handlers.Count);
        var tally = new HostileTally();
        string[] foreignIds = [foreign.Subscription, .. foreign.Ids.GetValueOrDefault("invoice") ?? [], .. foreign.Ids.GetValueOrDefault("plan") ?? [], foreign.Customer];

        // A team member of the organization, for the dashboard's pages: signed in as an owner, so the forms are reached
        // with every right and the refusals seen are the input's, not the role's.
        var member = await server.AddMemberAsync(tenant.OrganizationId, "owner");
        var foreignOrganization = (await server.NewTenantAsync()).OrganizationId;

        foreach (var handler in handlers)
        {
            var pay = PathOf(handler.Pattern).StartsWith("/pay", StringComparison.Ordinal);
            var dashboard = PathOf(handler.Pattern).StartsWith("/dashboard", StringComparison.Ordinal);
            var area = pay ? "pay" : dashboard ? "dashboard" : "portal";
            using var browser = Browser();
            string RouteValue(string? before, RoutePatternParameterPart p) => p.Name switch
            {
                "org" => rng.Next(6) switch { 0 => Hostile(rng), 1 => foreignOrganization, _ => tenant.OrganizationId },
                "mode" => rng.Next(6) switch { 0 => Hostile(rng), 1 => "live", _ => "sandbox" },
                "token" when pay => rng.Next(5) > 0 ? payTokens[rng.Next(payTokens.Count)] : Hostile(rng),
                "token" => rng.Next(3) > 0 ? Uri.EscapeDataString(PortalLinkToken(side)) : Hostile(rng),
                _ => rng.Next(5) switch
                {
                    0 => Hostile(rng),
                    1 => Uri.EscapeDataString(foreignIds[rng.Next(foreignIds.Length)]),
                    _ => Uri.EscapeDataString(Own(side, KindOf(before, p.Name), rng, p.Name)),
                },
            };
            // The session: a portal link opened as a browser opens it (the Pay page needs none).
            if (dashboard)
            {
                await SignInAsync(browser, member);
            }
            else if (!pay)
            {
                var link = await PortalClient.LinkAsync(side.Api, side.Customer);
                using var opened = await browser.GetAsync(link);
                Assert.Equal(HttpStatusCode.Found, opened.StatusCode);
            }
            // The form page as the browser loads it: its antiforgery token, one-time charge token and field names.
            var formUrl = UrlOf(handler.Pattern, (before, p) => p.Name switch
            {
                "token" when pay => payTokens[0],
                "org" => tenant.OrganizationId,
                "mode" => "sandbox",
                _ => Uri.EscapeDataString(Own(side, KindOf(before, p.Name), rng, p.Name)),
            });
            using var formPage = await browser.GetAsync(pay || dashboard || handler.Pattern.Parameters.Count == 0 ? formUrl : "/portal");
            var html = await formPage.Content.ReadAsStringAsync();
            var antiforgery = TokenPattern().Match(html) is { Success: true } t ? WebUtility.HtmlDecode(t.Groups[1].Value) : null;
            var charge = ChargePattern().Match(html) is { Success: true } c ? c.Groups[1].Value : null;
            var fields = handler.Fields.Concat(InputNamePattern().Matches(html).Select(m => m.Groups[1].Value))
                .Where(f => f != "__RequestVerificationToken").Distinct(StringComparer.Ordinal).ToList();

            var probes = new List<Probe>();
            for (var i = 0; i < perHandler; i++)
            {
                var client = rng.Next(10) == 0 ? NoKey : browser;
                var url = UrlOf(handler.Pattern, RouteValue) + (handler.Name is { } name ? "?handler=" + name : "");
                if (rng.Next(6) == 0)
                {
                    url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + Pick(rng, [.. fields.DefaultIfEmpty("id")]) + "=" + Hostile(rng);
                }
                if (handler.Method != "POST")
                {
                    probes.Add(new Probe(area + "-page-get", client, HttpMethod.Get, url, null, null, false));
                    continue;
                }
                var values = new List<KeyValuePair<string, string>>();
                foreach (var field in fields.Where(_ => rng.Next(5) > 0))
                {
                    values.Add(new(field, rng.Next(5) switch
                    {
                        0 or 1 => Pick(rng, HostileValues.Strings),
                        2 => foreignIds[rng.Next(foreignIds.Length)],
                        3 => Pick(rng, HostileValues.Numbers),
                        _ => FormValue(field, side, rng),
                    }));
                }
                if (rng.Next(4) == 0)
                {
                    values.Add(new("zzz" + rng.Next(10), Pick(rng, HostileValues.Strings)));
                }
                var tokenChoice = rng.Next(10);
                var category = area + "-form" + (tokenChoice < 7 ? "" : tokenChoice < 9 ? " (no token)" : " (forged token)");
                if (tokenChoice < 7 && antiforgery is not null)
                {
                    values.Add(new("__RequestVerificationToken", antiforgery));
                }
                else if (tokenChoice == 9)
                {
                    values.Add(new("__RequestVerificationToken", "CfDJ8" + HostileValues.B64(Pick(rng, HostileValues.Strings))));
                }
                if (charge is not null && rng.Next(3) > 0)
                {
                    values.Add(new("chargeToken", charge));
                }
                var body = string.Join("&", values.Select(v => Uri.EscapeDataString(v.Key) + "=" + Uri.EscapeDataString(v.Value)));
                var contentType = rng.Next(10) == 0 ? HostileValues.ContentTypes[rng.Next(HostileValues.ContentTypes.Length)] : "application/x-www-form-urlencoded";
                probes.Add(new Probe(category, client, HttpMethod.Post, url, Encoding.UTF8.GetBytes(body), contentType, false));
            }
            // One browser's requests in order, as a person would send them.
            foreach (var probe in probes)
            {
                await SendAllAsync([probe], tally, foreign);
            }
        }

        Report($"portal forms, Pay page and dashboard ({handlers.Count} page handlers)", tally);
    }

    /// <summary>Signs a browser in to the dashboard as a person does: the sign-in page's antiforgery token, then the form.</summary>
    private static async Task SignInAsync(HttpClient browser, string email)
    {
        using var page = await browser.GetAsync("/dashboard/sign-in");
        var html = await page.Content.ReadAsStringAsync();
        var token = TokenPattern().Match(html) is { Success: true } t ? WebUtility.HtmlDecode(t.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException("The sign-in page has no antiforgery token: " + Short(html));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = DashboardMembers.Password,
            ["__RequestVerificationToken"] = token,
        });
        using var signedIn = await browser.PostAsync("/dashboard/sign-in", form);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect && signedIn.Headers.Location?.OriginalString == "/dashboard",
            $"sign-in failed: {(int)signedIn.StatusCode} {signedIn.Headers.Location}");
    }

    private static string Hostile(Random rng)
    {
        var (value, raw) = HostileValues.PathSegments[rng.Next(HostileValues.PathSegments.Length)];
        return raw ? value : Uri.EscapeDataString(value);
    }

    private static string PortalLinkToken(Side side) => "pat_" + side.Customer + "_" + new string('A', 40);

    private static string FormValue(string field, Side side, Random rng) => field.ToLowerInvariant() switch
    {
        "subscriptionid" => side.Subscription,
        "plan" or "plancode" or "planid" => Own(side, "plan", rng, field),
        "kind" => Pick(rng, ["addon", "credits", "topup", "pack"]),
        "id" => Own(side, Pick(rng, ["addon", "pack", "invoice"]), rng, field),
        "email" => "x@example.com",
        "cardnumber" => Pick(rng, ["4242424242424242", "4000000000000002", "4242 4242 4242 4242"]),
        "expiry" => Pick(rng, ["12/40", "13/40", "00/00", "12/2040"]),
        "cvc" => Pick(rng, ["123", "1234", "12a"]),
        "amount" => Pick(rng, ["10", "10.00", "-5", "1e9"]),
        "country" => Pick(rng, ["US", "ZZ", "usa"]),
        "locale" or "language" or "culture" => Pick(rng, ["en", "es", "qps-ploc", "xx-XX"]),
        _ => "x",
    };

    // ---------------------------------------------------------------- forged IDs

    /// <summary>An ID of the same shape that no one has: the answer to compare a forged ID's answer with.</summary>
    private static string Missing(string id) => id.Length > 12 && id.Contains('_', StringComparison.Ordinal) ? id[..^6] + "ZZZZZZ" : id + "zz9";

    [Fact]
    public async Task ForgedIds_OfAnotherOrganizationOrMode_AnswerExactlyAsIdsThatDoNotExist()
    {
        var rng = new Random(Seed + 2);
        var tenant = await server.NewTenantAsync();
        var own = await SideAsync("a", tenant, livemode: false);
        var live = await SideAsync("l", tenant, livemode: true);
        var other = await SideAsync("b", await server.NewTenantAsync(), livemode: false);
        var otherInvoices = await other.Api.GetJson("/api/v1/invoices");
        var before = new Dictionary<Side, string>();
        foreach (var owner in new[] { other, live })
        {
            before[owner] = Stable((await owner.Api.GetJson($"/api/v1/subscriptions/{owner.Subscription}")).Body);
        }
        var routes = await ApiRoutesAsync();
        var tally = new HostileTally();
        var pairs = new List<(Probe Forged, Probe Missing, Side Owner)>();
        foreach (var route in routes)
        {
            var hasBody = route.BodyType is not null || route.Method is "POST" or "PUT" or "PATCH";
            foreach (var owner in new[] { other, live })
            {
                // Each parameter in turn, then each body field that names an object in turn, forged; the rest own.
                var slots = route.Parsed.Parameters.Select(p => (Path: true, Name: p.Name)).ToList();
                slots.AddRange(FieldsOf(route.BodyType, own, rng).Where(f => f.Type == typeof(string) && f.Name is not ("id" or "externalId") && KindOf(null, f.Name) != "unknown")
                    .Select(f => (Path: false, f.Name)));
                foreach (var slot in slots)
                {
                    Probe Make(Func<string, string> forge)
                    {
                        string? forgedKind = null;
                        var url = UrlOf(route.Parsed, (before, p) =>
                        {
                            var kind = KindOf(before, p.Name);
                            if (slot.Path && p.Name == slot.Name && owner.Any(kind, rng) is { } theirs)
                            {
                                forgedKind = kind;
                                return Uri.EscapeDataString(forge(theirs));
                            }
                            return Uri.EscapeDataString(Own(own, kind, rng, p.Name));
                        });
                        var fields = FieldsOf(route.BodyType, own, rng).Select(f =>
                        {
                            if (!slot.Path && f.Name == slot.Name && owner.Any(KindOf(null, f.Name), rng) is { } theirs)
                            {
                                forgedKind = KindOf(null, f.Name);
                                return (f.Name, (string?)HostileValues.JsonString(forge(theirs)));
                            }
                            return (f.Name, (string?)f.Valid);
                        });
                        var body = hasBody ? Encoding.UTF8.GetBytes(ObjectOf(fields)) : null;
                        return new Probe(forgedKind is null ? "" : $"forged {forgedKind} ({(owner == live ? "live mode" : "other org")})", own.Api, new HttpMethod(route.Method), url, body, "application/json", true);
                    }
                    var seed = rng.Next();
                    rng = new Random(seed);
                    var forged = Make(id => id);
                    rng = new Random(seed);
                    var missing = Make(Missing);
                    if (forged.Category.Length > 0 && forged.Url + Short(forged.Body) != missing.Url + Short(missing.Body))
                    {
                        pairs.Add((forged, missing with { Category = "unknown id (to compare)" }, owner));
                    }
                }
            }
        }
        Assert.True(pairs.Count > 100, $"only {pairs.Count} forged-ID probes");

        // Each pair in order (the unknown ID first, then the forged one); pairs side by side.
        await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (pair, ct) =>
        {
            var (missingStatus, missingText, missingApp) = await SendAsync(pair.Missing, tally);
            var (forgedStatus, forgedText, forgedApp) = await SendAsync(pair.Forged, tally);
            if (missingStatus is null || forgedStatus is null)
            {
                return;
            }
            Judge(pair.Missing, missingStatus.Value, missingText, missingApp, tally);
            Judge(pair.Forged, forgedStatus.Value, forgedText, forgedApp, tally);
            string? Code(string text) => text.StartsWith('{') ? JsonNode.Parse(text)?["error"]?["code"]?.GetValue<string>() : null;
            if (forgedStatus < 300 || forgedStatus != missingStatus || Code(forgedText) != Code(missingText))
            {
                tally.Violation($"FORGED ID ANSWERED DIFFERENTLY: {pair.Forged.Method} {pair.Forged.Url} {Short(pair.Forged.Body)} → {forgedStatus} {Short(forgedText)}; unknown ID → {missingStatus} {Short(missingText)}");
            }
            if (forgedText.Contains(pair.Owner.Secret, StringComparison.Ordinal))
            {
                tally.Violation($"LEAK: {pair.Forged.Method} {pair.Forged.Url} → {Short(forgedText)}");
            }
        });

        // The other organization's and mode's objects are as they were.
        foreach (var owner in new[] { other, live })
        {
            var customer = await owner.Api.GetJson($"/api/v1/customers/{owner.Customer}").Ok();
            Assert.Equal(owner.Secret, customer.Str("fullName"));
            Assert.Equal(before[owner], Stable((await owner.Api.GetJson($"/api/v1/subscriptions/{owner.Subscription}")).Body));
            Assert.Equal(owner.Secret, (await owner.Api.GetJson($"/api/v1/plans/{owner.Name}pro").Ok()).Str("name"));
        }
        Assert.Equal(otherInvoices.Raw, (await other.Api.GetJson("/api/v1/invoices")).Raw);
        Report($"forged IDs ({pairs.Count} pairs: another organization's and the live mode's IDs with a sandbox key)", tally);
    }

    /// <summary>The JSON without its links (a checkout link is minted afresh on every read).</summary>
    private static string Stable(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            return "{" + string.Join(",", o.Where(p => !p.Key.EndsWith("Url", StringComparison.Ordinal)).Select(p => p.Key + ":" + Stable(p.Value))) + "}";
        }
        return node is JsonArray a ? "[" + string.Join(",", a.Select(Stable)) + "]" : node?.ToJsonString() ?? "null";
    }

    // ---------------------------------------------------------------- stored strings

    [Fact]
    public async Task AcceptedStrings_ComeBackVerbatim_AndRenderEscapedInThePortal()
    {
        var tenant = await server.NewTenantAsync();
        var api = tenant.Api;
        var tally = new HostileTally();
        var texts = HostileValues.Strings.Where(s => s.Length is > 0 and <= 255).Append(HostileValues.Script).Append("Tom & Jerry's \"Plan\" <b>").ToList();
        var accepted = new List<string>();
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i];
            var json = HostileValues.JsonString(text);
            foreach (var (create, read, field, body) in new (string, string, string, string)[]
            {
                ("/api/v1/customers", $"/api/v1/customers/rt{i}", "fullName", $"{{\"id\":\"rt{i}\",\"email\":\"rt{i}@example.com\",\"fullName\":{json}}}"),
                ("/api/v1/plans/manage", $"/api/v1/plans/rt{i}", "name", $"{{\"code\":\"rt{i}\",\"name\":{json},\"description\":{json}}}"),
                ("/api/v1/plans/manage", $"/api/v1/plans/rd{i}", "description", $"{{\"code\":\"rd{i}\",\"name\":\"Plan\",\"description\":{json}}}"),
                ("/api/v1/features/manage", $"/api/v1/features/rt{i}", "name", $"{{\"code\":\"rt{i}\",\"name\":{json},\"type\":\"usage\"}}"),
            })
            {
                var probe = new Probe("round-trip create", api, HttpMethod.Post, create, Encoding.UTF8.GetBytes(body), "application/json", true);
                var (status, answer, app) = await SendAsync(probe, tally);
                if (status is null)
                {
                    continue;
                }
                Judge(probe, status.Value, answer, app, tally);
                if (status >= 300)
                {
                    continue;
                }
                var stored = await api.GetJson(read);
                tally.Record("round-trip read", (int)stored.Status);
                var back = stored.Body?["data"]?[field]?.GetValue<string>();
                // Names are trimmed of surrounding white space when stored; otherwise they come back as sent, code unit for code unit.
                if (back != text && back != text.Trim())
                {
                    tally.Violation($"NOT VERBATIM: {field} {json} came back as {(back is null ? "null" : HostileValues.JsonString(back))}");
                }
                accepted.Add(text);
            }
        }
        Assert.Contains(HostileValues.Script, accepted);

        // Shown in the portal: the plan, the feature and the customer's name carry the markup; the pages show it as text.
        await api.SetClock(Utc(2027, 4, 10));
        await api.PostJson("/api/v1/features/manage", new { code = "xss", name = HostileValues.Script, type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "xss", name = HostileValues.Script, description = HostileValues.Script }).Ok();
        await api.PostJson("/api/v1/plans/xss/prices", new { billingInterval = "monthly", price = 4900 }).Ok();
        await api.PostJson("/api/v1/plans/xss/features", new { featureId = "xss", includedAmount = 100 }).Ok();
        await api.PostJson("/api/v1/customers", new { id = "xss", email = "xss@example.com", fullName = HostileValues.Script }).Ok();
        await api.Card("xss", "4242424242424242");
        await api.Subscribe("xss", "xss");
        using var portal = await PortalClient.OpenAsync(server, api, "xss");
        var shown = 0;
        foreach (var page in new[] { "/portal", "/portal/plans", "/portal/usage", "/portal/billing-details", "/portal/invoices" })
        {
            var answer = await portal.GetAsync(page);
            tally.Record("portal page with markup", (int)answer.Status);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.DoesNotContain(HostileValues.Tag, answer.Html, StringComparison.Ordinal);
            if (WebUtility.HtmlDecode(answer.Html).Contains(HostileValues.Script, StringComparison.Ordinal))
            {
                shown++;
            }
        }
        Assert.True(shown >= 2, $"the stored markup was shown (as text) on only {shown} pages");
        Report($"round trip of {texts.Count} odd strings ({accepted.Count} accepted creates read back)", tally);
    }

    // ---------------------------------------------------------------- regressions found by the suite

    [Theory]
    [InlineData("/api/v1/invoices?customerId=%00", "customerId")]
    [InlineData("/api/v1/seats/balances?customerId=a%00b", "customerId")]
    [InlineData("/api/v1/active-addons?customerId=%00", "customerId")]
    // cur_ + base64url("cus_\0"): a cursor this API never returned, holding a NUL.
    [InlineData("/api/v1/transactions?cursor=cur_Y3VzXwA", "cursor")]
    [InlineData("/api/v1/addons?cursor=cur_Y3VzXwA", "cursor")]
    public async Task NulInAQueryValueOrCursor_Is422NamingIt_OnEveryDatabase(string url, string field)
    {
        var t = await server.NewTenantAsync();

        var answer = await t.Api.GetJson(url);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal("validation_error", answer.ErrorCode);
        Assert.Equal([field], answer.ErrorFields);
    }

    [Theory]
    [InlineData("PUT", "/api/v1/usage", "{\"customerId\":\"c\\u0000\",\"feature\":\"f\",\"value\":1}", "customerId")]
    [InlineData("POST", "/api/v1/usage/events", "{\"customerId\":\"c\",\"feature\":\"f\\u0000\"}", "feature")]
    [InlineData("POST", "/api/v1/customers", "{\"id\":\"c\",\"email\":\"c@example.com\",\"metadata\":{\"k\":\"\\u0000\"}}", "metadata.k")]
    [InlineData("POST", "/api/v1/usage/events/batch", "{\"events\":[{\"customerId\":\"c\",\"feature\":\"f\"},{\"customerId\":\"\\u0000\",\"feature\":\"f\"}]}", "events[1].customerId")]
    public async Task NulInAJsonString_Is422NamingTheField_OnEveryDatabase(string method, string path, string body, string field)
    {
        var t = await server.NewTenantAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        var answer = await t.Api.SendRawAsync(request);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal([field], answer.ErrorFields);
    }

    [Fact]
    public async Task SetUsage_ManyAtOnceWithOneIdempotencyKey_AllAnswerTheOneEvent_NeverA500()
    {
        var tenant = await server.NewTenantAsync();
        var side = await SideAsync("a", tenant, livemode: false);

        for (var round = 0; round < 3; round++)
        {
            var key = $"set-{round}";
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
                side.Api.PutJson("/api/v1/usage", new { customerId = side.Customer, feature = "afeat", value = 15 + round, idempotencyKey = key })));

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
            Assert.Single(answers.Select(a => a.Data["id"]!.GetValue<string>()).Distinct());
        }
    }

    [Theory]
    [InlineData("/pay/%20?handler=StripeReturn&session_id=cs_test_1")]
    [InlineData("/pay/%20?handler=StripeReturn")]
    [InlineData("/pay/%20")]
    public async Task PayPage_BlankToken_IsNotFound_NotA500(string url)
    {
        using var browser = new PageClient(server.BaseAddress);

        var page = await browser.Get(url);

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("<html", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingOnePlanGroupManyTimesAtOnce_OneDeletes_TheOthersAreNotFound_NeverA500()
    {
        var t = await server.NewTenantAsync();
        for (var round = 0; round < 5; round++)
        {
            var group = await t.Api.Group($"G{round}");
            await t.Api.Plan($"p{round}", 900, group);
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => t.Api.Delete($"/api/v1/plan-groups/{group}")));

            Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a =>
            {
                Assert.Equal(HttpStatusCode.NotFound, a.Status);
                Assert.EndsWith("_not_found", a.ErrorCode, StringComparison.Ordinal);
            });
        }
    }

    private static readonly HttpClient BadKey = BadKeyClient();

    private static HttpClient BadKeyClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("x-api-key", "ck_test_' OR '1'='1 " + new string('k', 600));
        return client;
    }
}

public sealed class HostileInputTests_Sqlite(SqliteServer server, ITestOutputHelper output) : HostileInputTests<SqliteServer>(server, output);

public sealed class HostileInputTests_Postgres(PostgresServer server, ITestOutputHelper output) : HostileInputTests<PostgresServer>(server, output);
