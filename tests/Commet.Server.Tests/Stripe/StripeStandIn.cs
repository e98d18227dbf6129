using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commet.Server.Tests.Stripe;

/// <summary>What the stand-in answers the next off-session PaymentIntent with.</summary>
public enum ChargeScript
{
    Succeed,
    Decline,
    InsufficientFunds,
    RequireAuthentication,
}

/// <summary>One request the stand-in received.</summary>
public sealed record StandInRequest(string Method, string Path, string? IdempotencyKey, IReadOnlyDictionary<string, string> Params);

/// <summary>
/// A test double of the parts of Stripe's HTTP API the server uses, as a real local HTTP server (Kestrel). It answers
/// with objects built from Stripe's published fixtures (stripe-fixtures.json), refuses parameters it does not know
/// (400, Stripe's error envelope), requires the secret key and the <c>Stripe-Version</c> Stripe.net sends, and keeps
/// Stripe's idempotency rules: the same <c>Idempotency-Key</c> with the same parameters gets the first answer again,
/// with other parameters a 400 <c>idempotency_error</c>. Tests script declines, authentication, 500s and timeouts.
/// It also serves a minimal Checkout page that completes a session and redirects to its <c>success_url</c>.
/// </summary>
public sealed class StripeStandIn : IAsyncDisposable
{
    public const string TestKey = "sk_test_standin_0000000000000000004242";
    public const string LiveKey = "sk_live_standin_0000000000000000009876";
    public const string AccountId = "acct_1StandIn00000000";

    /// <summary>A live key of another Stripe account (a merchant connecting a different account).</summary>
    public const string OtherLiveKey = "sk_live_standin_other_000000000005555";
    public const string OtherAccountId = "acct_1StandInOther000";

    private static readonly JsonObject Fixtures = LoadFixtures();

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, JsonObject> objects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Fingerprint, int Status, string Body)> idempotency = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ChargeScript> chargeScript = new();
    private readonly ConcurrentQueue<StandInRequest> requests = new();
    private readonly object gate = new();
    private int failuresLeft;
    private string failPath = "";
    private int hangsLeft;
    private string hangPath = "";

    private StripeStandIn(WebApplication app)
    {
        this.app = app;
    }

    public string ApiBase { get; private set; } = "";

    public IReadOnlyList<StandInRequest> Requests => requests.ToArray();

    public static async Task<StripeStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new StripeStandIn(app);
        standIn.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.ApiBase = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>The next off-session PaymentIntents are answered in this order (then they succeed).</summary>
    public void ScriptCharges(params ChargeScript[] outcomes)
    {
        foreach (var outcome in outcomes)
        {
            chargeScript.Enqueue(outcome);
        }
    }

    /// <summary>The next <paramref name="times"/> requests to a path starting with <paramref name="path"/> answer 500.</summary>
    public void FailNext(string path, int times = 1)
    {
        lock (gate)
        {
            failPath = path;
            failuresLeft = times;
        }
    }

    /// <summary>
    /// The next request to <paramref name="path"/> is carried out (and its answer kept for its idempotency key), but the
    /// answer never comes: the stand-in waits until the client gives up, like a timeout after Stripe did the work.
    /// </summary>
    public void TimeOutNext(string path)
    {
        lock (gate)
        {
            hangPath = path;
            hangsLeft = 1;
        }
    }

    /// <summary>
    /// Another open Checkout Session like <paramref name="checkoutSessionId"/> (same customer, amount, reference and URLs):
    /// what Stripe holds when the same payment page was opened again after its idempotency key expired.
    /// </summary>
    public string OpenAnotherLike(string checkoutSessionId)
    {
        lock (gate)
        {
            var s = objects[checkoutSessionId].DeepClone().AsObject();
            var id = ((bool)s["livemode"]! ? "cs_live_" : "cs_test_") + RandomId();
            s["id"] = id;
            s["status"] = "open";
            s["payment_status"] = "unpaid";
            s["payment_intent"] = null;
            s["setup_intent"] = null;
            s["url"] = $"{ApiBase}/checkout/{id}";
            objects[id] = s;
            return id;
        }
    }

    public IEnumerable<JsonObject> ObjectsOf(string type) => objects.Values.Where(o => (string?)o["object"] == type);

    public JsonObject Object(string id) => objects[id];

    /// <summary>A Stripe event with <paramref name="dataObject"/>, shaped like the event fixture, and its Stripe-Signature header.</summary>
    public static (string Payload, string Signature) SignedEvent(string type, JsonObject dataObject, string secret, bool livemode, DateTimeOffset signedAt,
        string? eventId = null)
    {
        var e = Fixture("event");
        e["id"] = eventId ?? "evt_" + RandomId();
        e["type"] = type;
        e["livemode"] = livemode;
        e["created"] = signedAt.ToUnixTimeSeconds();
        e["api_version"] = global::Stripe.StripeConfiguration.ApiVersion;
        e["data"] = new JsonObject { ["object"] = dataObject.DeepClone() };
        var payload = e.ToJsonString();
        var t = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var v1 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}")));
        return (payload, $"t={t},v1={v1}");
    }

    /// <summary>A dispute on a PaymentIntent, from the dispute fixture.</summary>
    public static JsonObject Dispute(string paymentIntentId, long amount, string currency, string status, string reason = "fraudulent")
    {
        var d = Fixture("dispute");
        d["id"] = "du_" + RandomId();
        d["payment_intent"] = paymentIntentId;
        d["amount"] = amount;
        d["currency"] = currency;
        d["status"] = status;
        d["reason"] = reason;
        return d;
    }

    private void Map(WebApplication web)
    {
        web.MapGet("/checkout/{id}", (string id) =>
        {
            if (!objects.TryGetValue(id, out var s) || (string?)s["object"] != "checkout.session")
            {
                return Results.NotFound();
            }
            var amount = (long?)s["amount_total"];
            var html = $"""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stripe Checkout (stand-in)</title></head><body>
                <main><h1>{(s["mode"]!.ToString() == "setup" ? "Save your card" : $"Pay {amount} {s["currency"]}")}</h1>
                <form method="post" action="/checkout/{id}/complete">
                <label for="cardNumber">Card number</label><input id="cardNumber" name="cardNumber" value="4242424242424242">
                <button type="submit">{(s["mode"]!.ToString() == "setup" ? "Save card" : "Pay")}</button>
                </form></main></body></html>
                """;
            return Results.Content(html, "text/html");
        });

        web.MapPost("/checkout/{id}/complete", async (string id, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var number = form["cardNumber"].ToString();
            var successUrl = Complete(id, number.Length >= 4 ? number : "4242424242424242");
            return successUrl is null ? Results.NotFound() : Results.Redirect(successUrl);
        });

        web.Map("/v1/{**rest}", HandleApiAsync);
    }

    /// <summary>Completes a Checkout Session as a customer would on the page; the URL Stripe would send them back to.</summary>
    public string? Complete(string checkoutSessionId, string cardNumber = "4242424242424242")
    {
        lock (gate)
        {
            if (!objects.TryGetValue(checkoutSessionId, out var s) || (string?)s["status"] != "open")
            {
                return null;
            }
            var pm = Fixture("payment_method");
            pm["id"] = "pm_" + RandomId();
            pm["customer"] = s["customer"]?.DeepClone();
            pm["livemode"] = s["livemode"]?.DeepClone();
            var card = pm["card"]!.AsObject();
            card["last4"] = cardNumber[^4..];
            card["brand"] = cardNumber.StartsWith('5') ? "mastercard" : "visa";
            card["display_brand"] = card["brand"]!.DeepClone();
            card["exp_month"] = 12;
            card["exp_year"] = 2034;
            card["fingerprint"] = "fp" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cardNumber)))[..14];
            pm["metadata"] = new JsonObject { ["card_number"] = cardNumber };
            objects[(string)pm["id"]!] = pm;
            if ((string?)s["mode"] == "payment")
            {
                var pi = NewPaymentIntent((long)s["amount_total"]!, (string)s["currency"]!, (string?)s["customer"], (string)pm["id"]!, "succeeded", (bool)s["livemode"]!);
                pi["setup_future_usage"] = "off_session";
                s["payment_intent"] = pi["id"]!.DeepClone();
                s["payment_status"] = "paid";
            }
            else
            {
                var si = Fixture("setup_intent");
                si["id"] = "seti_" + RandomId();
                si["customer"] = s["customer"]?.DeepClone();
                si["payment_method"] = pm["id"]!.DeepClone();
                si["status"] = "succeeded";
                si["last_setup_error"] = null;
                si["next_action"] = null;
                si["livemode"] = s["livemode"]?.DeepClone();
                objects[(string)si["id"]!] = si;
                s["setup_intent"] = si["id"]!.DeepClone();
                s["payment_status"] = "no_payment_required";
            }
            s["status"] = "complete";
            return ((string)s["success_url"]!).Replace("{CHECKOUT_SESSION_ID}", checkoutSessionId, StringComparison.Ordinal);
        }
    }

    private async Task HandleApiAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value!;
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in request.Query)
        {
            parameters[k] = v.ToString();
        }
        if (request.HasFormContentType)
        {
            foreach (var (k, v) in await request.ReadFormAsync())
            {
                parameters[k] = v.ToString();
            }
        }
        var key = request.Headers["Idempotency-Key"].ToString();
        requests.Enqueue(new StandInRequest(request.Method, path, key.Length > 0 ? key : null, parameters));

        var auth = request.Headers.Authorization.ToString();
        var secret = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : "";
        if (secret is not (TestKey or LiveKey or OtherLiveKey))
        {
            await WriteAsync(context, 401, Error("invalid_request_error", null, null, "Invalid API Key provided."));
            return;
        }
        if (request.Headers["Stripe-Version"].ToString() != global::Stripe.StripeConfiguration.ApiVersion)
        {
            await WriteAsync(context, 400, Error("invalid_request_error", "api_version_invalid", null, "Unexpected Stripe-Version header."));
            return;
        }
        var livemode = secret != TestKey;

        lock (gate)
        {
            if (failuresLeft > 0 && path.StartsWith(failPath, StringComparison.Ordinal))
            {
                failuresLeft--;
                context.Response.StatusCode = 500;
            }
        }
        if (context.Response.StatusCode == 500)
        {
            await WriteAsync(context, 500, Error("api_error", null, null, "An unknown error occurred (stand-in)."));
            return;
        }

        var fingerprint = $"{request.Method} {path} " + string.Join('&', parameters.Select(p => $"{p.Key}={p.Value}"));
        int status;
        string body;
        var replayed = false;
        var isPost = HttpMethods.IsPost(request.Method);
        lock (gate)
        {
            if (isPost && key.Length > 0 && idempotency.TryGetValue(secret + key, out var earlier))
            {
                if (earlier.Fingerprint != fingerprint)
                {
                    (status, body) = (400, Error("idempotency_error", null, null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with."));
                }
                else
                {
                    (status, body) = (earlier.Status, earlier.Body);
                }
                replayed = true;
            }
            else
            {
                (status, body) = Route(request.Method, path, parameters, livemode, secret);
                if (isPost && key.Length > 0 && status != 500)
                {
                    idempotency[secret + key] = (fingerprint, status, body);
                }
            }
        }
        var hang = false;
        lock (gate)
        {
            if (!replayed && hangsLeft > 0 && path.StartsWith(hangPath, StringComparison.Ordinal))
            {
                hangsLeft--;
                hang = true;
            }
        }
        if (hang)
        {
            // Done and remembered, but the answer never leaves: the client times out and retries with the same key.
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            return;
        }
        if (replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
        await WriteAsync(context, status, body);
    }

    private (int, string) Route(string method, string path, IReadOnlyDictionary<string, string> p, bool livemode, string secret)
    {
        var segments = path.Trim('/').Split('/');
        try
        {
            return (method, segments) switch
            {
                ("GET", ["v1", "account"]) => Allow(p) ?? Ok(Account(secret == OtherLiveKey ? OtherAccountId : AccountId)),
                ("POST", ["v1", "customers"]) => Allow(p, "email", "name", @"metadata\[\w+\]") ?? Ok(NewCustomer(p, livemode)),
                ("POST", ["v1", "checkout", "sessions"]) => Allow(p, "customer", "client_reference_id", "success_url", "cancel_url", "mode", "currency",
                    @"metadata\[\w+\]", @"line_items\[0\]\[quantity\]", @"line_items\[0\]\[price_data\]\[(currency|unit_amount)\]",
                    @"line_items\[0\]\[price_data\]\[product_data\]\[name\]", @"payment_intent_data\[setup_future_usage\]",
                    @"payment_intent_data\[metadata\]\[\w+\]") ?? NewCheckoutSession(p, livemode),
                ("GET", ["v1", "checkout", "sessions", var id]) => Allow(p) ?? Get(id, "checkout.session"),
                ("GET", ["v1", "payment_intents", var id]) => Allow(p) ?? Get(id, "payment_intent"),
                ("GET", ["v1", "setup_intents", var id]) => Allow(p) ?? Get(id, "setup_intent"),
                ("GET", ["v1", "payment_methods", var id]) => Allow(p) ?? Get(id, "payment_method"),
                ("POST", ["v1", "payment_intents"]) => Allow(p, "amount", "currency", "customer", "payment_method", "confirm", "off_session",
                    @"metadata\[\w+\]") ?? OffSessionCharge(p, livemode),
                ("POST", ["v1", "refunds"]) => Allow(p, "payment_intent", "amount") ?? NewRefund(p),
                _ => (404, Error("invalid_request_error", "resource_missing", null, $"Unrecognized request URL ({method}: {path}).")),
            };
        }
        catch (KeyNotFoundException ex)
        {
            return (400, Error("invalid_request_error", "parameter_missing", ex.Message, $"Missing required param: {ex.Message}."));
        }
    }

    /// <summary>Null when every parameter is one the endpoint knows; else Stripe's 400 for the first unknown one.</summary>
    private static (int, string)? Allow(IReadOnlyDictionary<string, string> p, params string[] patterns)
    {
        foreach (var name in p.Keys)
        {
            if (!patterns.Any(pattern => Regex.IsMatch(name, $"^{pattern}$")))
            {
                return (400, Error("invalid_request_error", "parameter_unknown", name, $"Received unknown parameter: {name}"));
            }
        }
        return null;
    }

    private static JsonObject Account(string id)
    {
        var a = Fixture("account");
        a["id"] = id;
        return a;
    }

    private JsonObject NewCustomer(IReadOnlyDictionary<string, string> p, bool livemode)
    {
        var c = Fixture("customer");
        c["id"] = "cus_" + RandomId();
        c["email"] = p.GetValueOrDefault("email");
        c["name"] = p.GetValueOrDefault("name");
        c["livemode"] = livemode;
        c["metadata"] = Metadata(p, "metadata");
        objects[(string)c["id"]!] = c;
        return c;
    }

    private (int, string) NewCheckoutSession(IReadOnlyDictionary<string, string> p, bool livemode)
    {
        var mode = Required(p, "mode");
        var s = Fixture("checkout.session");
        var id = (livemode ? "cs_live_" : "cs_test_") + RandomId();
        s["id"] = id;
        s["mode"] = mode;
        s["livemode"] = livemode;
        s["customer"] = Required(p, "customer");
        s["client_reference_id"] = p.GetValueOrDefault("client_reference_id");
        s["success_url"] = Required(p, "success_url");
        s["cancel_url"] = p.GetValueOrDefault("cancel_url");
        s["metadata"] = Metadata(p, "metadata");
        s["status"] = "open";
        s["payment_status"] = "unpaid";
        s["payment_intent"] = null;
        s["setup_intent"] = null;
        s["url"] = $"{ApiBase}/checkout/{id}";
        if (mode == "payment")
        {
            if (Required(p, "payment_intent_data[setup_future_usage]") != "off_session")
            {
                return (400, Error("invalid_request_error", "parameter_invalid", "payment_intent_data[setup_future_usage]", "Expected off_session."));
            }
            var amount = long.Parse(Required(p, "line_items[0][price_data][unit_amount]"), CultureInfo.InvariantCulture) * long.Parse(Required(p, "line_items[0][quantity]"), CultureInfo.InvariantCulture);
            s["amount_total"] = amount;
            s["amount_subtotal"] = amount;
            s["currency"] = Required(p, "line_items[0][price_data][currency]");
        }
        else if (mode == "setup")
        {
            // As Stripe: a setup session takes no line items and no payment_intent_data.
            if (p.Keys.FirstOrDefault(k => k.StartsWith("line_items", StringComparison.Ordinal) || k.StartsWith("payment_intent_data", StringComparison.Ordinal)) is { } wrong)
            {
                return (400, Error("invalid_request_error", "parameter_invalid", wrong, $"You can not pass `{wrong}` in `setup` mode."));
            }
            s["currency"] = Required(p, "currency");
            s["amount_total"] = null;
            s["amount_subtotal"] = null;
        }
        else
        {
            return (400, Error("invalid_request_error", "parameter_invalid", "mode", $"Invalid mode: {mode}"));
        }
        objects[id] = s;
        return Ok(s);
    }

    private (int, string) Get(string id, string type) =>
        objects.TryGetValue(id, out var o) && (string?)o["object"] == type
            ? Ok(o)
            : (404, Error("invalid_request_error", "resource_missing", "id", $"No such {type}: '{id}'"));

    private (int, string) OffSessionCharge(IReadOnlyDictionary<string, string> p, bool livemode)
    {
        if (Required(p, "confirm") != "true" || Required(p, "off_session") != "true")
        {
            return (400, Error("invalid_request_error", "parameter_invalid", "off_session", "The stand-in only takes confirmed off-session charges."));
        }
        var pmId = Required(p, "payment_method");
        if (!objects.TryGetValue(pmId, out var pm) || (string?)pm["customer"] != Required(p, "customer"))
        {
            return (400, Error("invalid_request_error", "resource_missing", "payment_method", $"No such PaymentMethod: '{pmId}'"));
        }
        var script = chargeScript.TryDequeue(out var next) ? next : ChargeScript.Succeed;
        var amount = long.Parse(Required(p, "amount"), CultureInfo.InvariantCulture);
        var currency = Required(p, "currency");
        switch (script)
        {
            case ChargeScript.Succeed:
                {
                    var pi = NewPaymentIntent(amount, currency, p["customer"], pmId, "succeeded", livemode);
                    pi["metadata"] = Metadata(p, "metadata");
                    return Ok(pi);
                }
            case ChargeScript.RequireAuthentication:
                {
                    var pi = NewPaymentIntent(amount, currency, p["customer"], pmId, "requires_action", livemode);
                    pi["next_action"] = new JsonObject { ["type"] = "use_stripe_sdk" };
                    return (402, CardError("authentication_required", "authentication_required",
                        "This payment requires authentication by the customer.", pi));
                }
            default:
                {
                    var pi = NewPaymentIntent(amount, currency, p["customer"], pmId, "requires_payment_method", livemode);
                    var decline = script == ChargeScript.InsufficientFunds ? "insufficient_funds" : "generic_decline";
                    return (402, CardError("card_declined", decline, "Your card was declined.", pi));
                }
        }
    }

    private JsonObject NewPaymentIntent(long amount, string currency, string? customer, string paymentMethod, string status, bool livemode)
    {
        var pi = Fixture("payment_intent");
        var id = "pi_" + RandomId();
        pi["id"] = id;
        pi["amount"] = amount;
        pi["amount_received"] = status == "succeeded" ? amount : 0;
        pi["currency"] = currency;
        pi["customer"] = customer;
        pi["payment_method"] = paymentMethod;
        pi["status"] = status;
        pi["livemode"] = livemode;
        pi["canceled_at"] = null;
        pi["last_payment_error"] = null;
        pi["next_action"] = null;
        pi["latest_charge"] = status == "succeeded" ? "ch_" + RandomId() : null;
        pi["client_secret"] = id + "_secret_standin";
        objects[id] = pi;
        return pi;
    }

    private (int, string) NewRefund(IReadOnlyDictionary<string, string> p)
    {
        var piId = Required(p, "payment_intent");
        if (!objects.TryGetValue(piId, out var pi) || (string?)pi["status"] != "succeeded")
        {
            return (400, Error("invalid_request_error", "resource_missing", "payment_intent", $"No such payment_intent: '{piId}'"));
        }
        var refunded = ObjectsOf("refund").Where(x => (string?)x["payment_intent"] == piId).Sum(x => (long)x["amount"]!);
        var amount = p.TryGetValue("amount", out var a) ? long.Parse(a, CultureInfo.InvariantCulture) : (long)pi["amount"]! - refunded;
        if (amount <= 0 || refunded + amount > (long)pi["amount"]!)
        {
            return (400, Error("invalid_request_error", "charge_already_refunded", null, $"Charge {pi["latest_charge"]} has already been refunded."));
        }
        var r = Fixture("refund");
        r["id"] = "re_" + RandomId();
        r["payment_intent"] = piId;
        r["charge"] = pi["latest_charge"]?.DeepClone();
        r["amount"] = amount;
        r["currency"] = pi["currency"]!.DeepClone();
        r["status"] = "succeeded";
        objects[(string)r["id"]!] = r;
        return Ok(r);
    }

    private static string Required(IReadOnlyDictionary<string, string> p, string name) =>
        p.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new KeyNotFoundException(name);

    private static JsonObject Metadata(IReadOnlyDictionary<string, string> p, string prefix)
    {
        var m = new JsonObject();
        foreach (var (k, v) in p)
        {
            if (k.StartsWith(prefix + "[", StringComparison.Ordinal) && k.EndsWith(']') && k.IndexOf('[', prefix.Length + 1) < 0)
            {
                m[k[(prefix.Length + 1)..^1]] = v;
            }
        }
        return m;
    }

    private static (int, string) Ok(JsonObject o) => (200, o.ToJsonString());

    private static string Error(string type, string? code, string? param, string message) =>
        new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["param"] = param, ["message"] = message } }.ToJsonString();

    private static string CardError(string code, string declineCode, string message, JsonObject paymentIntent)
    {
        var error = new JsonObject
        {
            ["type"] = "card_error",
            ["code"] = code,
            ["decline_code"] = declineCode,
            ["message"] = message,
            ["payment_intent"] = paymentIntent.DeepClone(),
        };
        paymentIntent["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = code, ["decline_code"] = declineCode, ["message"] = message };
        return new JsonObject { ["error"] = error }.ToJsonString();
    }

    private static async Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Request-Id"] = "req_" + RandomId();
        await context.Response.WriteAsync(body);
    }

    private static JsonObject Fixture(string name) => Fixtures["resources"]![name]!.DeepClone().AsObject();

    private static string RandomId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    private static JsonObject LoadFixtures()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Stripe", "stripe-fixtures.json");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }
}
