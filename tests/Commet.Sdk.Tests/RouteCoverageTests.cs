using System.Collections;
using System.Net;
using System.Reflection;
using System.Text.Json;
using Commet.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
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

    private sealed record ServerRoute(string Method, string Template, TemplateMatcher Matcher, int Parameters, HashSet<string> Query);

    private sealed record SdkCall(string Caller, string Method, string Path, string[] QueryKeys);

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
                routes.Add(new ServerRoute(method, raw, new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary()),
                    endpoint.RoutePattern.Parameters.Count, query));
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
                        if (sent.Add((request.Method.Method, request.Uri.AbsolutePath, string.Join(",", keys))))
                        {
                            calls.Add(new SdkCall(name, request.Method.Method, request.Uri.AbsolutePath, keys));
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
    private static object? Value(Type type, string text, bool filled)
    {
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
            return filled ? Value(underlying, text, filled) : null;
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
            array.SetValue(Value(type.GetElementType()!, text, filled), 0);
            return array;
        }
        if (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Value(element, text, filled));
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
            if (t == typeof(string) || filled && (Nullable.GetUnderlyingType(t) is not null || t.IsValueType))
            {
                property.SetValue(instance, Value(t, property.Name.ToLowerInvariant(), filled));
            }
        }
        return instance;
    }
}
