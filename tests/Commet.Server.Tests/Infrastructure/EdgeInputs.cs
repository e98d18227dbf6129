using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>A request body as raw JSON text (possibly not JSON at all), with placeholders for IDs known only at run time.</summary>
public abstract record RawBody(string Json)
{
    public override string ToString() => Json;
}

public sealed record TrackBody(string Json) : RawBody(Json);

public sealed record BatchBody(string Json) : RawBody(Json);

/// <summary>A body and the subscription it is sent for (a placeholder, or an odd ID).</summary>
public sealed record SubscriptionBody(string Subscription, string Json) : RawBody(Json)
{
    public override string ToString() => $"{Subscription} {Json}";
}

public sealed record InvoiceBody(string Json) : RawBody(Json);

public sealed record SeatsBody(string Method, string Path, string Json) : RawBody(Json)
{
    public override string ToString() => $"{Method} {Path} {Json}";
}

/// <summary>
/// FsCheck generators of extreme and malformed request bodies: each field is left out, valid, or an edge value
/// (64-bit limits and one past them, negatives, zero, decimals with many digits, numbers beyond any type, strings
/// where numbers go, nulls, arrays where objects go, unicode, control characters, very long strings); now and then
/// the whole body is not JSON, or not an object.
/// </summary>
public static class EdgeInputs
{
    /// <summary>Placeholders the test replaces with real IDs.</summary>
    public const string CreditsSubscription = "@SUB_CREDITS@";
    public const string BalanceSubscription = "@SUB_BALANCE@";
    public const string MeteredSubscription = "@SUB_METERED@";
    public const string Pack = "@PACK@";

    private static readonly string[] Extremes =
    [
        "-9223372036854775808", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0", "-1",
    ];

    private static readonly string[] Numbers =
    [
        "-0", "1", "0.5", "-0.5", "1.5", "0.0000001", "0.1234567890123456789012345678",
        "1e12", "1000000000000", "1000000000001", "-1000000000000", "1e15", "1e17", "1e18", "1e30", "1e400", "-1e400", "1e-400",
        "99999999999999999999999999999999999", "79228162514264337593543950335", "79228162514264337593543950336",
        "2147483647", "2147483648", "-2147483649", "10000000000", "10000000001", "1000000", "1000001", "499", "500",
    ];

    private static readonly string[] Strings =
    [
        "\"\"", "\" \"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1\"", "\"-9223372036854775808\"", "\"1e400\"",
        "\"é漢字🙂\"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u001b[31m\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u202e\"",
        "\"" + new string('x', 5000) + "\"", "\"" + string.Concat(Enumerable.Repeat("🙂", 400)) + "\"", "\"<script>\"", "\"'; drop table x;--\"",
    ];

    private static readonly string[] Shapes =
    [
        "null", "true", "false", "[]", "[null]", "[1]", "[\"a\"]", "[[]]", "{}", "{\"a\":1}", "{\"a\":null}", "[{}]",
        "[{\"property\":null}]", "{\"" + new string('k', 100) + "\":1}",
    ];

    /// <summary>Bodies that are not a readable JSON object.</summary>
    private static readonly string[] Broken =
    [
        "", " ", "{", "}", "[]", "null", "\"body\"", "42", "{\"a\":}", "{'a':1}", "not json", "{\"a\":1,}", "{\"a\":NaN}",
        "{\"a\":Infinity}", "{\"a\":1} trailing", "\u0000", "{\"a\":\"\u0001\"}", new string('[', 100) + new string(']', 100),
        "{\"a\":" + new string('[', 40) + new string(']', 40) + "}",
    ];

    private static Gen<string> RandomLong => Gen.Choose(int.MinValue, int.MaxValue).Two()
        .Select(t => ((long)t.Item1 * t.Item2).ToString(CultureInfo.InvariantCulture));

    private static Gen<string> RandomDecimal => Gen.Choose(-1_000_000, 1_000_000).Two()
        .Select(t => (t.Item1 / (decimal)Math.Max(1, Math.Abs(t.Item2))).ToString(CultureInfo.InvariantCulture));

    private static Gen<string> RandomString => ArbMap.Default.GeneratorFor<string>()
        .Select(s => JsonSerializer.Serialize(s ?? ""));

    /// <summary>Any edge value: numbers, strings, shapes, random numbers and strings.</summary>
    public static Gen<string> Edge => Gen.Frequency(
        (3, Gen.Elements(Extremes)),
        (3, Gen.Elements(Numbers)),
        (2, Gen.Elements(Strings)),
        (2, Gen.Elements(Shapes)),
        (1, RandomLong),
        (1, RandomDecimal),
        (1, RandomString));

    /// <summary>
    /// One field: left out (null), a typical value (valid, or a usual mistake), or an edge value. Mostly typical, so that an edge value in one
    /// field usually reaches the handler instead of being stopped by another field's type.
    /// </summary>
    public static Gen<string?> Field(string name, params string[] valid) => Gen.Frequency(
        (1, Gen.Constant<string?>(null)),
        (6, Gen.Elements(valid).Select(v => (string?)$"\"{name}\":{v}")),
        (3, Edge.Select(v => (string?)$"\"{name}\":{v}")));

    /// <summary>An object from its fields; now and then a broken body instead.</summary>
    public static Gen<string> Body(params Gen<string?>[] fields) => Gen.Frequency(
        (12, ObjectOf(fields)),
        (1, Gen.Elements(Broken)));

    private static Gen<string> ObjectOf(Gen<string?>[] fields) =>
        fields.Aggregate(Gen.Constant(new List<string>()), (acc, field) => acc.SelectMany(list => field.Select(f =>
        {
            var next = new List<string>(list);
            if (f is not null)
            {
                next.Add(f);
            }
            return next;
        })))
        .Select(parts => "{" + string.Join(",", parts) + "}");

    private static Gen<string> TrackObject => ObjectOf(TrackFields);

    private static readonly Gen<string?>[] TrackFields =
    [
        Field("customerId", "\"cre\"", "\"bal\"", "\"met\"", "\"nobody\""),
        Field("feature", "\"gens\"", "\"calls\"", "\"api\"", "\"missing\""),
        Field("value", "1", "2.5", "0", "10", "1000"),
        Field("idempotencyKey", "\"k1\"", "\"k2\"", "\"k-" + Guid.NewGuid().ToString("N") + "\""),
        Field("timestamp", "\"2027-04-01T00:00:00Z\"", "\"2027-03-15T12:00:00Z\"", "\"2099-01-01T00:00:00Z\"", "\"yesterday\""),
        Field("properties", "[{\"property\":\"model\",\"value\":\"gpt\"}]", "[{\"property\":\"a\",\"value\":\"1\"},{\"property\":\"a\",\"value\":\"2\"}]",
            "[{\"property\":\"a\"}]", "[{\"property\":\"a\",\"value\":{}}]", "[]", "[null]", "[{\"property\":\"a\",\"value\":\"1\"},null]"),
    ];

    private static Gen<string> Subscription => Gen.Frequency(
        (6, Gen.Elements(CreditsSubscription, BalanceSubscription, MeteredSubscription)),
        (1, Gen.Elements("sub_nope", "%00", "é漢字🙂", new string('s', 2000), "..", "null", "-1")));

    public static Arbitrary<TrackBody> Track() => Arb.From(Body(TrackFields).Select(j => new TrackBody(j)));

    public static Arbitrary<BatchBody> Batch() => Arb.From(Gen.Frequency(
        (6, Gen.Choose(0, 4).SelectMany(n => Gen.Frequency((5, TrackObject), (1, Edge)).ListOf(n))
            .Select(events => "{\"events\":[" + string.Join(",", events) + "]}")),
        (2, Edge.Select(e => "{\"events\":" + e + "}")),
        (1, Gen.Elements(Broken))).Select(j => new BatchBody(j)));

    public static Arbitrary<SubscriptionBody> Purchase() => Arb.From(
        from s in Subscription
        from b in Body(Field("creditPackId", $"\"{Pack}\"", "\"cpk_nope\""))
        select new SubscriptionBody(s, b));

    public static Arbitrary<SeatsBody> Seats() => Arb.From(
        from verb in Gen.Elements(("POST", "/api/v1/seats"), ("PUT", "/api/v1/seats"), ("DELETE", "/api/v1/seats"), ("PUT", "/api/v1/seats/bulk"))
        from b in verb.Item2.EndsWith("bulk", StringComparison.Ordinal)
            ? Body(Field("customerId", "\"sea\"", "\"nobody\""), Field("seats", "{\"members\":2}", "{\"members\":0}", "{\"nope\":1}"),
                Edge.Select(e => (string?)$"\"seats\":{{\"members\":{e}}}"))
            : Body(Field("customerId", "\"sea\"", "\"nobody\""), Field("featureCode", "\"members\"", "\"gens\""), Field("count", "1", "2", "0", "1000000"))
        select new SeatsBody(verb.Item1, verb.Item2, b));
}

/// <summary>The arbitraries of the top-up and balance/adjust properties (the body differs from the purchase's).</summary>
public static class BalanceInputs
{
    public static Arbitrary<SubscriptionBody> Topup() => Arb.From(
        from s in Gen.Frequency((6, Gen.Elements(EdgeInputs.BalanceSubscription, EdgeInputs.CreditsSubscription)), (1, Gen.Elements("sub_nope", "%00")))
        from b in EdgeInputs.Body(EdgeInputs.Field("amount", "500", "1000", "1000000", "499", "1000001"))
        select new SubscriptionBody(s, b));
}

public static class AdjustInputs
{
    public static Arbitrary<SubscriptionBody> Adjust() => Arb.From(
        from s in Gen.Frequency((6, Gen.Elements(EdgeInputs.BalanceSubscription, EdgeInputs.CreditsSubscription, EdgeInputs.MeteredSubscription)),
            (1, Gen.Elements("sub_nope", "%00")))
        from b in EdgeInputs.Body(
            EdgeInputs.Field("amount", "1", "-1", "100", "-100", "1000000000000", "-1000000000000"),
            EdgeInputs.Field("reason", "\"goodwill\"", "null"),
            EdgeInputs.Field("type", "\"credits\"", "\"balance\"", "\"points\""))
        select new SubscriptionBody(s, b));

    public static Arbitrary<InvoiceBody> Invoice() => Arb.From(EdgeInputs.Body(
            EdgeInputs.Field("customerId", "\"cre\"", "\"bal\"", "\"nobody\""),
            EdgeInputs.Field("amount", "100", "-100", "10000000000", "-10000000000"),
            EdgeInputs.Field("description", "\"Goodwill\"", "\"Setup fee\""),
            EdgeInputs.Field("metadata", "{\"a\":\"b\"}", "{}", "null"))
        .Select(j => new InvoiceBody(j)));
}
