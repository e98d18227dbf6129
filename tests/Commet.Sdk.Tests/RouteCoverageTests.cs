using System.Collections;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Sdk.Tests;

/// <summary>
/// "A method for every route": the server's own route table (its endpoint data, as the hostile-input suite reads it)
/// against the requests the SDK sends. Every public method of every resource client is run through a recording stub
/// handler — once with the optional arguments left out and once with every argument and request field filled — and
/// each request is matched to a server route. Every <c>/api/v1</c> route must be reached by some method (or be in
/// <see cref="NotInSdk"/> with the reason), and every request must hit a route that exists, with query parameters that
/// route documents.
/// </summary>
public sealed class RouteCoverageTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    /// <summary>Routes the SDK deliberately has no method for. Keep each one explained.</summary>
    private static readonly Dictionary<string, string> NotInSdk = new(StringComparer.OrdinalIgnoreCase)
    {
        // Commet's routes this server does not implement: they answer 501 not_implemented (Http/NotAvailable.cs).
        ["GET /api/v1/payouts"] = "payouts: 501",
        ["POST /api/v1/payouts"] = "payouts: 501",
        ["POST /api/v1/payouts/bank-accounts"] = "payouts: 501",
        ["POST /api/v1/payouts/verification"] = "payouts: 501",
        ["POST /api/v1/claim-link"] = "claim links: 501",
        // Second verbs of an operation the SDK already reaches by its main verb, for other clients.
        ["PATCH /api/v1/promo-codes/{id}"] = "the same update as PUT /promo-codes/{id} (PromoCodes.UpdateAsync); not in the OpenAPI document",
        ["POST /api/v1/usage/quota/remove"] = "the same removal as DELETE /usage/quota (Quota.RemoveAsync), for clients that send no body with DELETE",
    };

    private sealed record ServerRoute(string Method, string Template, TemplateMatcher Matcher, int Parameters, HashSet<string> Query, Type? Data, Type? Body);

    /// <summary>A request an SDK method sent; <paramref name="Returns"/> is what the method reads the answer's data into.</summary>
    private sealed record SdkCall(string Caller, string Method, string Path, string[] QueryKeys, Type? Returns, string[] BodyKeys);

    [Fact]
    public async Task EveryServerRoute_HasAnSdkMethod_AndEverySdkRequest_HitsAServerRoute()
    {
        var routes = await ServerRoutesAsync();
        var calls = await SdkCallsAsync();

        var problems = new List<string>();
        var reached = new HashSet<ServerRoute>();
        foreach (var call in calls)
        {
            var route = Match(routes, call);
            if (route is null)
            {
                problems.Add($"{call.Caller} sends {call.Method} {call.Path}, which no server route answers");
                continue;
            }
            reached.Add(route);
            foreach (var key in call.QueryKeys.Where(k => !route.Query.Contains(k)))
            {
                problems.Add($"{call.Caller} sends query parameter '{key}' to {route.Method} {route.Template}, which does not take it");
            }
        }
        foreach (var route in routes.Where(r => !reached.Contains(r)))
        {
            if (!NotInSdk.ContainsKey($"{route.Method} {route.Template}"))
            {
                problems.Add($"no SDK method calls {route.Method} {route.Template}");
            }
        }
        foreach (var excluded in NotInSdk.Keys)
        {
            var route = routes.FirstOrDefault(r => string.Equals($"{r.Method} {r.Template}", excluded, StringComparison.OrdinalIgnoreCase));
            if (route is null)
            {
                problems.Add($"the exclusion '{excluded}' names no server route any more");
            }
            else if (reached.Contains(route))
            {
                problems.Add($"the exclusion '{excluded}' is called by the SDK after all");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Order()));
        // The check above is only as good as the stub run: it must have seen most of the API.
        Assert.True(reached.Count > 100, $"only {reached.Count} routes reached");
    }

    /// <summary>
    /// What the server answers against what the SDK reads: for each SDK method that sends one request, every field of the
    /// route's success data (the server's DTO, as its JSON options write it) has a property in the SDK's type, at every
    /// depth of nested objects and lists. A field the SDK drops is a field a .NET merchant cannot see.
    /// </summary>
    [Fact]
    public async Task EveryFieldTheServerAnswers_HasAPropertyInTheSdkType()
    {
        var routes = await ServerRoutesAsync();
        var calls = await SdkCallsAsync();

        var problems = new SortedSet<string>(StringComparer.Ordinal);
        var excused = new HashSet<string>(StringComparer.Ordinal);
        var compared = 0;
        foreach (var byMethod in calls.GroupBy(c => c.Caller))
        {
            var reached = byMethod.Select(c => Match(routes, c)).Where(r => r is not null).Distinct().ToList();
            var methodName = byMethod.Key[..byMethod.Key.IndexOf('(')];
            if (Derived.ContainsKey(methodName))
            {
                excused.Add(methodName);
                continue;
            }
            if (reached is not [{ Data: { } data }] || byMethod.First().Returns is not { } returns)
            {
                continue;
            }
            compared++;
            Compare(data, returns, byMethod.Key + " ← " + reached[0]!.Template, "", problems, excused, 0);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(compared > 100, $"only {compared} methods compared");
        // Each exclusion still excuses something.
        Assert.Equal(NotRead.Keys.Concat(Derived.Keys).Order(StringComparer.Ordinal), excused.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// What the server reads against what the SDK can send: every field of a route's request body (the server's request
    /// type, nested objects and lists included) is sent by some SDK method when every argument and request property is filled.
    /// </summary>
    [Fact]
    public async Task EveryFieldTheServerReads_CanBeSentByTheSdk()
    {
        var routes = await ServerRoutesAsync();
        var calls = await SdkCallsAsync();

        var sentTo = new Dictionary<ServerRoute, HashSet<string>>();
        foreach (var call in calls)
        {
            if (Match(routes, call) is { Body: not null } route)
            {
                (sentTo.TryGetValue(route, out var keys) ? keys : sentTo[route] = new HashSet<string>(StringComparer.OrdinalIgnoreCase)).UnionWith(call.BodyKeys);
            }
        }
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        var excused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (route, keys) in sentTo)
        {
            var missing = TypePaths(route.Body!, "", 0).Where(p => !keys.Contains(p)).ToList();
            // A path under a missing or excused parent is reported once, by its parent.
            missing = missing.Where(p => !missing.Any(q => p.StartsWith(q + ".", StringComparison.Ordinal) || p.StartsWith(q + "[].", StringComparison.Ordinal))).ToList();
            foreach (var path in missing)
            {
                if (NotSent.ContainsKey($"{route.Method} {route.Template} {path}"))
                {
                    excused.Add($"{route.Method} {route.Template} {path}");
                }
                else
                {
                    problems.Add($"{route.Method} {route.Template}: no SDK method sends '{path}'");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(sentTo.Count > 50, $"only {sentTo.Count} routes with a body compared");
        // Each exclusion still excuses something: a field the server reads and no SDK method sends.
        Assert.Equal(NotSent.Keys.Order(StringComparer.Ordinal), excused.Order(StringComparer.Ordinal));
    }

    /// <summary>Every property path of a JSON value (<c>address.city</c>, <c>overrides[].currency</c>).</summary>
    private static IEnumerable<string> JsonPaths(JsonNode node, string prefix) => node switch
    {
        JsonObject obj => obj.SelectMany(p => new[] { prefix + p.Key }.Concat(p.Value is null ? [] : JsonPaths(p.Value, prefix + p.Key + "."))),
        JsonArray array => array.Where(i => i is not null).SelectMany(i => JsonPaths(i!, prefix.TrimEnd('.') + "[]."))
            .Where(p => p.Length > 0),
        _ => [],
    };

    /// <summary>Every property path of a request type as the server reads it, nested objects and lists included.</summary>
    private static IEnumerable<string> TypePaths(Type type, string prefix, int depth)
    {
        type = Element(type);
        if (depth > 3 || Opaque.Contains(type))
        {
            yield break;
        }
        var info = Commet.Server.Http.Api.Json.GetTypeInfo(type);
        if (info.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
        {
            yield break;
        }
        foreach (var property in info.Properties.Where(p => !Ignored(p)))
        {
            yield return prefix + property.Name;
            var inner = Element(property.PropertyType);
            var list = inner != (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
            foreach (var path in TypePaths(property.PropertyType, prefix + property.Name + (list ? "[]." : "."), depth + 1))
            {
                yield return path;
            }
        }
    }

    /// <summary>A property the serializer never writes or reads ([JsonIgnore]).</summary>
    private static bool Ignored(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true)
            .Cast<System.Text.Json.Serialization.JsonIgnoreAttribute>().Any(a => a.Condition == System.Text.Json.Serialization.JsonIgnoreCondition.Always) == true;

    /// <summary>Answer fields the SDK deliberately has no property for, by "SdkType.field". Keep each one explained.</summary>
    private static readonly Dictionary<string, string> NotRead = new(StringComparer.Ordinal)
    {
        ["UpcomingInvoice.id"] = "always null: the upcoming invoice is a draft, not issued",
        ["UpcomingInvoice.invoiceNumber"] = "always null, as id",
    };

    /// <summary>Methods whose result is worked out from the answer rather than being its data.</summary>
    private static readonly Dictionary<string, string> Derived = new(StringComparer.Ordinal)
    {
        ["FeatureAccess.IsAllowedAsync"] = "the answer's allowed",
        ["Invoices.DownloadPdfAsync"] = "the PDF behind the answer's url",
        ["Portal.GetUrlAsync"] = "the answer's portalUrl as a Uri",
    };

    /// <summary>Request fields no SDK method sends, by "METHOD template field". Keep each one explained.</summary>
    private static readonly Dictionary<string, string> NotSent = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/customers/ addressId"] = "Commet's reference to a stored address; accepted and ignored here (send Address)",
        ["POST /api/v1/customers/batch customers[].addressId"] = "as addressId on a single customer",
        ["PUT /api/v1/promo-codes/{id} isActive"] = "an alias of active, which the SDK sends",
        ["POST /api/v1/usage/quota/ externalId"] = "an alias of customerId",
        ["PUT /api/v1/usage/quota/ externalId"] = "an alias of customerId",
        ["POST /api/v1/payments/charge successUrl"] = "read for payment links only; a charge of the saved card has no page to return from",
    };

    private static readonly Type[] Opaque = [typeof(object), typeof(JsonElement), typeof(System.Text.Json.Nodes.JsonNode), typeof(System.Text.Json.Nodes.JsonObject)];

    private static void Compare(Type server, Type sdk, string where, string path, SortedSet<string> problems, HashSet<string> excused, int depth)
    {
        server = Element(server);
        sdk = Element(sdk);
        if (depth > 4 || Opaque.Contains(server) || Opaque.Contains(sdk))
        {
            return;
        }
        var serverInfo = Commet.Server.Http.Api.Json.GetTypeInfo(server);
        if (serverInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
        {
            return;
        }
        var sdkInfo = Commet.Internal.CommetJsonContext.Default.GetTypeInfo(sdk);
        if (sdkInfo is null || sdkInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
        {
            problems.Add($"{where}: the server answers an object{(path.Length == 0 ? "" : " at '" + path + "'")}, the SDK reads {sdk.Name}");
            return;
        }
        // "object" names the resource's kind ("subscription"); in .NET the type says it.
        foreach (var property in serverInfo.Properties.Where(p => p.Name != "object" && !Ignored(p)))
        {
            var mine = sdkInfo.Properties.FirstOrDefault(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
            var at = path.Length == 0 ? property.Name : path + "." + property.Name;
            if (mine is null && NotRead.ContainsKey(sdk.Name + "." + at))
            {
                excused.Add(sdk.Name + "." + at);
                continue;
            }
            if (mine is null)
            {
                problems.Add($"{where}: {sdk.Name} has no property for '{at}'");
                continue;
            }
            Compare(property.PropertyType, mine.PropertyType, where, at, problems, excused, depth + 1);
        }
    }

    /// <summary>The type itself, or the item type of a list, or the value type of a nullable.</summary>
    private static Type Element(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray)
        {
            return type.GetElementType()!;
        }
        if (type != typeof(string) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1)
        {
            return type.GetGenericArguments()[0];
        }
        return type;
    }

    // ---------------------------------------------------------------- the server's routes

    private async Task<List<ServerRoute>> ServerRoutesAsync()
    {
        using var plain = new HttpClient { BaseAddress = server.BaseAddress };
        using var document = JsonDocument.Parse(await plain.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var routes = new List<ServerRoute>();
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var raw = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!raw.StartsWith("/api/v1/", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET", "POST", "PUT", "PATCH", "DELETE"];
            foreach (var method in methods)
            {
                var query = new HashSet<string>(StringComparer.Ordinal);
                if ((paths.TryGetProperty(raw, out var path) || paths.TryGetProperty(raw.TrimEnd('/'), out path)) && path.TryGetProperty(method.ToLowerInvariant(), out var operation)
                    && operation.TryGetProperty("parameters", out var parameters))
                {
                    query.UnionWith(parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!));
                }
                var success = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>()
                    .FirstOrDefault(r => r.StatusCode is 200 or 201 && r.Type is { IsGenericType: true })?.Type;
                var data = success is null ? null : success.GetGenericArguments()[0];
                var body = endpoint.Metadata.OfType<IAcceptsMetadata>().Select(a => a.RequestType).FirstOrDefault(t => t is not null);
                if (body is { IsGenericType: true } && body.Name.StartsWith("Json", StringComparison.Ordinal))
                {
                    body = body.GetGenericArguments()[0];
                }
                routes.Add(new ServerRoute(method, raw, new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary()),
                    endpoint.RoutePattern.Parameters.Count, query, data, body));
            }
        }
        return routes;
    }

    /// <summary>The route the request reaches: of those whose shape fits, the one with the fewest parameters (literals win).</summary>
    private static ServerRoute? Match(List<ServerRoute> routes, SdkCall call) =>
        routes.Where(r => r.Method == call.Method && r.Matcher.TryMatch(call.Path, new RouteValueDictionary()))
            .OrderBy(r => r.Parameters)
            .FirstOrDefault();

    // ---------------------------------------------------------------- the SDK's requests

    private static async Task<List<SdkCall>> SdkCallsAsync()
    {
        var calls = new List<SdkCall>();
        var resources = typeof(CommetClient).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.Name.EndsWith("Client", StringComparison.Ordinal))
            .ToList();
        Assert.True(resources.Count >= 20, $"only {resources.Count} resource clients found");
        foreach (var property in resources)
        {
            var methods = property.PropertyType.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName);
            foreach (var method in methods)
            {
                var name = $"{property.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
                Assert.True(method.IsVirtual, $"{name} is not virtual");
                Assert.True(method.GetParameters().LastOrDefault()?.ParameterType == typeof(CancellationToken), $"{name} takes no CancellationToken last");
                var sent = new HashSet<(string, string, string)>();
                var returns = method.ReturnType.IsGenericType ? method.ReturnType.GetGenericArguments()[0] : null;
                foreach (var filled in new[] { false, true })
                {
                    var handler = new StubHandler(() => StubHandler.Error(HttpStatusCode.NotFound, "stub_not_found", "invalid_request_error"));
                    var client = new CommetClient("ck_test_stub", new CommetClientOptions { BaseUrl = new Uri("http://commet.test/"), MaxRetries = 0 }, new HttpClient(handler));
                    var resource = property.GetValue(client)!;
                    await InvokeAsync(method, resource, filled);
                    foreach (var request in handler.Requests)
                    {
                        var keys = request.Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
                            .Select(pair => Uri.UnescapeDataString(pair.Split('=')[0])).Order().ToArray();
                        var bodyKeys = request.Body is { Length: > 0 } text && request.Body.TrimStart().StartsWith('{')
                            ? JsonPaths(JsonNode.Parse(text)!, "").Order(StringComparer.Ordinal).ToArray() : [];
                        if (sent.Add((request.Method.Method, request.Uri.AbsolutePath, string.Join(",", keys) + "|" + string.Join(",", bodyKeys))))
                        {
                            calls.Add(new SdkCall(name, request.Method.Method, request.Uri.AbsolutePath, keys, returns, bodyKeys));
                        }
                    }
                }
                Assert.True(sent.Count > 0, $"{name} sent no request");
            }
        }
        return calls;
    }

    /// <summary>Calls the method and waits for it (for a list: its first page); the stub answers 404, so it throws — ignored.</summary>
    private static async Task InvokeAsync(MethodInfo method, object target, bool filled)
    {
        var arguments = method.GetParameters()
            .Select((p, i) => !filled && p.HasDefaultValue && p.ParameterType != typeof(CancellationToken) ? p.DefaultValue
                : p.Name!.EndsWith("contentType", StringComparison.OrdinalIgnoreCase) ? "image/png"
                : Value(p.ParameterType, $"a{i}", filled))
            .ToArray();
        try
        {
            var result = method.Invoke(target, arguments);
            switch (result)
            {
                case Task task:
                    await task;
                    break;
                case not null when result.GetType().GetInterfaces().FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>)) is { } enumerable:
                    var enumerator = (IAsyncDisposable)enumerable.GetMethod("GetAsyncEnumerator")!.Invoke(result, [CancellationToken.None])!;
                    await using (enumerator)
                    {
                        var next = typeof(IAsyncEnumerator<>).MakeGenericType(enumerable.GetGenericArguments()).GetMethod("MoveNextAsync")!;
                        await (ValueTask<bool>)next.Invoke(enumerator, null)!;
                    }
                    break;
                default:
                    Assert.Fail($"{method.Name} returns {method.ReturnType}, neither a task nor an async enumerable");
                    break;
            }
        }
        catch (Exception ex) when (ex is CommetApiException or ArgumentException or TargetInvocationException { InnerException: CommetApiException or ArgumentException })
        {
        }
    }

    /// <summary>An argument of the given type: strings unlike any route literal, request classes with every field set when <paramref name="filled"/>.</summary>
    private static object? Value(Type type, string text, bool filled, int depth = 0)
    {
        if (depth > 4)
        {
            return null;
        }
        if (type == typeof(JsonObject) || type == typeof(JsonNode))
        {
            return new JsonObject { ["key"] = "value" };
        }
        if (type == typeof(JsonElement))
        {
            return JsonDocument.Parse("{\"key\":\"value\"}").RootElement.Clone();
        }
        if (type.IsGenericType && type.GetGenericArguments().Length == 2 && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var arguments = type.GetGenericArguments();
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
            dictionary.Add(Value(arguments[0], "key", filled, depth + 1)!, Value(arguments[1], "value", filled, depth + 1));
            return dictionary;
        }
        if (type == typeof(CancellationToken))
        {
            return CancellationToken.None;
        }
        if (type == typeof(string))
        {
            return text;
        }
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return filled ? Value(underlying, text, filled, depth) : null;
        }
        if (type == typeof(byte[]))
        {
            return new byte[] { 0x89, 0x50, 0x4e, 0x47 };
        }
        if (type == typeof(Stream))
        {
            return new MemoryStream([0x89, 0x50, 0x4e, 0x47]);
        }
        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2027, 4, 1, 0, 0, 0, TimeSpan.Zero);
        }
        if (type == typeof(DateTime))
        {
            return new DateTime(2027, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        }
        if (type == typeof(decimal))
        {
            return 1m;
        }
        if (type.IsPrimitive)
        {
            return Convert.ChangeType(1, type, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (type.IsEnum)
        {
            return Enum.GetValues(type).GetValue(0);
        }
        if (type.IsValueType)
        {
            return Activator.CreateInstance(type);
        }
        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Value(type.GetElementType()!, text, filled, depth + 1), 0);
            return array;
        }
        if (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Value(element, text, filled, depth + 1));
            return list;
        }
        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
        {
            return null;
        }
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic))
        {
            var t = property.PropertyType;
            if (t == typeof(string) || filled)
            {
                property.SetValue(instance, Value(t, property.Name.ToLowerInvariant(), filled, depth + 1));
            }
        }
        return instance;
    }
}
