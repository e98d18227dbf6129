using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Commet.Server.Http;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Usage;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The batch endpoint's billing time (the sandbox test clock, read by the batch itself) and the exact bytes of its answer (<c>POST /usage/events/batch</c>): property names and order, which nulls are written
/// and which are left out, how times, decimals, properties and non-ASCII text are written. The answer is written by hand
/// for speed (<c>UsageBatchAnswer</c>); this pins it to what the serializer wrote before.
/// </summary>
public abstract class BatchClockAndAnswerTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task BatchAnswer_WithSuccessRefusalsAndDuplicate_IsByteForByteTheSerializersShape()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(new DateTime(2027, 3, 10, 12, 30, 45, 123, DateTimeKind.Utc));
        await api.PostJson("/api/v1/features/manage", new { code = "gen", name = "Gen", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "cr", name = "Cr", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/cr/prices", new { billingInterval = "monthly", price = 900, includedCredits = 25 }).Ok();
        await api.PostJson("/api/v1/plans/cr/features", new { featureId = "gen", creditsPerUnit = 2 }).Ok();
        await api.Customer("pin");
        await api.Subscribe("pin", "cr");
        // Recorded first, so that the batch's copy of it is a duplicate.
        await api.PostJson("/api/v1/usage/events/batch", new { events = new[] { new { customerId = "pin", feature = "gen", value = 1m, idempotencyKey = "pin-1" } } }).Ok();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/usage/events/batch")
        {
            Content = new StringContent("""
                {"events":[
                  {"customerId":"pin","feature":"gen","value":2.5,"properties":[{"property":"model","value":"é \"q\" <b>&' ✓"},{"property":"n","value":7.50},{"property":"ok","value":true}]},
                  {"customerId":"pin","feature":"gen","value":1,"idempotencyKey":"pin-1"},
                  {"customerId":"pin","value":1},
                  {"customerId":"pin","feature":"gen","value":100},
                  {"customerId":"pin","feature":"nope","value":1,"idempotencyKey":"pin-2"}
                ]}
                """, System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await api.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var body = System.Text.Json.Nodes.JsonNode.Parse(bytes)!;

        // The IDs vary from run to run: each becomes a placeholder, everything else is compared byte for byte.
        var raw = System.Text.Encoding.UTF8.GetString(bytes).Replace(t.OrganizationId, "ORG");
        var ids = Regex.Matches(raw, "\"id\":\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            raw = raw.Replace(ids[i], $"ID{i}");
        }
        var customer = body["data"]!["results"]![0]!["event"]!["customerId"]!.GetValue<string>();
        raw = raw.Replace($"\"customerId\":\"{customer}\"", "\"customerId\":\"CUS\"");
        // The repeat is read back from the database, with the scale each stores the value at (numeric(…, 6) on PostgreSQL).
        Assert.Equal(Expected.Replace("DUPLICATE_VALUE", typeof(TServer) == typeof(PostgresServer) ? "1.000000" : "1.0"), raw);
    }

    /// <summary>
    /// A batch reads the sandbox test clock itself (with its idempotency keys on PostgreSQL, on its own otherwise): every
    /// event is at the clock's time, with keys and without, the clock moved between batches is the next batch's time,
    /// and an event's timestamp is checked against the clock, not the real time.
    /// </summary>
    [Fact]
    public async Task Batch_IsAtTheTestClocksTime_WithAndWithoutKeys_AndChecksTimestampsAgainstIt()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var t0 = new DateTime(2027, 5, 20, 8, 15, 0, 500, DateTimeKind.Utc);
        await api.SetClock(t0);
        await api.PostJson("/api/v1/features/manage", new { code = "gen", name = "Gen", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "cr", name = "Cr", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/cr/prices", new { billingInterval = "monthly", price = 900, includedCredits = 1000 }).Ok();
        await api.PostJson("/api/v1/plans/cr/features", new { featureId = "gen", creditsPerUnit = 1 }).Ok();
        await api.Customer("clk");
        await api.Subscribe("clk", "cr");

        async Task<List<JsonNode>> Batch(object[] events) =>
            (await api.PostJson("/api/v1/usage/events/batch", new { events }).Ok())["results"]!.AsArray().Select(r => r!).ToList();
        static DateTime Ts(JsonNode result) => result["event"]!["ts"]!.GetValue<DateTime>().ToUniversalTime();
        object Keyed(string key) => new { customerId = "clk", feature = "gen", value = 1, idempotencyKey = key };
        object Plain() => new { customerId = "clk", feature = "gen", value = 1 };
        object At(DateTime at) => new { customerId = "clk", feature = "gen", value = 1, timestamp = at.ToString("O") };

        Assert.All(await Batch([Keyed("c1"), Plain()]), r => Assert.Equal(t0, Ts(r)));
        Assert.All(await Batch([Plain()]), r => Assert.Equal(t0, Ts(r)));
        var t1 = t0.AddDays(2).AddHours(5);
        await api.SetClock(t1);
        Assert.All(await Batch([Keyed("c2"), Plain()]), r => Assert.Equal(t1, Ts(r)));
        var t2 = t1.AddDays(1);
        await api.Advance(1);
        Assert.All(await Batch([Plain()]), r => Assert.Equal(t2, Ts(r)));

        // Days behind the real time: two minutes past the clock is accepted, ten is refused, with keys and without.
        foreach (var withKey in new[] { false, true })
        {
            var results = await Batch(withKey ? [Keyed($"c3-{withKey}"), At(t2.AddMinutes(2)), At(t2.AddMinutes(10))] : [At(t2.AddMinutes(2)), At(t2.AddMinutes(10))]);
            var (near, far) = withKey ? (results[1], results[2]) : (results[0], results[1]);
            Assert.True(near["success"]!.GetValue<bool>(), near.ToJsonString());
            Assert.Equal(t2.AddMinutes(2), Ts(near));
            Assert.False(far["success"]!.GetValue<bool>(), far.ToJsonString());
            Assert.Equal("timestamp", far["error"]!["param"]!.GetValue<string>());
        }
    }

    /// <summary>What the serializer wrote (System.Text.Json, Api.Json) before the answer was written by hand.</summary>
    private const string Expected = """
        {"success":true,"data":{"results":[{"index":0,"success":true,"event":{"id":"ID0","livemode":false,"organizationId":"ORG","customerId":"CUS","feature":"gen","value":2.5,"ts":"2027-03-10T12:30:45.123Z","properties":[{"id":"ID0_p0","usageEventId":"ID0","property":"model","value":"é \"q\" <b>&' ✓","createdAt":"2027-03-10T12:30:45.123Z"},{"id":"ID0_p1","usageEventId":"ID0","property":"n","value":"7.50","createdAt":"2027-03-10T12:30:45.123Z"},{"id":"ID0_p2","usageEventId":"ID0","property":"ok","value":"true","createdAt":"2027-03-10T12:30:45.123Z"}],"createdAt":"2027-03-10T12:30:45.123Z","duplicate":false,"object":"usage_event"},"error":null},{"index":1,"success":true,"event":{"id":"ID4","livemode":false,"organizationId":"ORG","customerId":"CUS","feature":"gen","value":DUPLICATE_VALUE,"idempotencyKey":"pin-1","ts":"2027-03-10T12:30:45.123Z","createdAt":"2027-03-10T12:30:45.123Z","duplicate":true,"object":"usage_event"},"error":null},{"index":2,"success":false,"event":null,"error":{"type":"validation_error","code":"validation_error","message":"feature is required.","param":"feature","details":[{"field":"feature","message":"feature is required."}],"doc_url":"https://commet.co/docs/api-reference/2026-07-11/errors/validation_error.md"}},{"index":3,"success":false,"event":null,"error":{"type":"invalid_request_error","code":"insufficient_credits","message":"Not enough credits: this needs 200 and 18 are left.","param":null,"details":{"required":200,"planCredits":18,"purchasedCredits":0,"totalCredits":18},"doc_url":"https://commet.co/docs/api-reference/2026-07-11/errors/insufficient_credits.md"}},{"index":4,"success":false,"event":null,"error":{"type":"invalid_request_error","code":"feature_not_found","message":"No feature with code 'nope'.","param":null,"details":null,"doc_url":"https://commet.co/docs/api-reference/2026-07-11/errors/feature_not_found.md"}}],"succeeded":2,"failed":3,"livemode":false,"object":"list"}}
        """;
}

public sealed class BatchClockAndAnswerTests_Sqlite(SqliteServer server) : BatchClockAndAnswerTests<SqliteServer>(server);

public sealed class BatchClockAndAnswerTests_Postgres(PostgresServer server) : BatchClockAndAnswerTests<PostgresServer>(server);

/// <summary>
/// <c>UsageBatchAnswer</c> writes by hand what the serializer would write for the same <see cref="global::Commet.Server.Usage.UsageBatchDto"/>.
/// Compared here for every shape a batch answer takes, so that a property added to one of its records (which the
/// serializer would write and the hand-written answer would not) fails this test rather than drifting silently.
/// </summary>
public sealed class UsageBatchAnswerTests
{
    [Fact]
    public void HandWrittenAnswer_IsWhatTheSerializerWrites_ForEveryShape()
    {
        var at = new DateTime(2027, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        var unspecified = new DateTime(2027, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified);
        List<UsagePropertyDto> properties =
        [
            new("e1_p0", "e1", "model", "é \"q\" <b>&' ✓ \\ \u0001 \n 😀", at),
            new("e1_p1", "e1", "n", "7.50", unspecified),
        ];
        var events = new[]
        {
            new UsageEventDto("e1", false, "org_1", "cus_1", "gen", 2.5m, "key-ü", at, properties, at, false),
            new UsageEventDto("e2", true, "org_1", "cus_2", "f</script>", 1.000000m, null, unspecified, null, at, true),
            new UsageEventDto("e3", false, "org_1", "cus_3", "gen", 0m, "k", at, [], at, false),
            new UsageEventDto("e4", false, "org_1", "cus_4", "gen", 999999999999.123456m, "k2", DateTime.MinValue, null, DateTime.MaxValue, false),
        };
        var errors = new[]
        {
            new ApiErrorBody("validation_error", "validation_error", "feature is required.", "feature",
                new[] { new { field = "feature", message = "feature is required." } }, "https://example/validation_error.md"),
            new ApiErrorBody("invalid_request_error", "insufficient_credits", "Not \"enough\" — credits.", null,
                new Dictionary<string, object> { ["required"] = 200L, ["at"] = at, ["nested"] = new { a = new[] { 1, 2 } } }, "https://example/x.md"),
            new ApiErrorBody("invalid_request_error", "feature_not_found", "No feature.", null, null, "https://example/y.md"),
        };
        List<BatchItemDto> items = [.. events.Select((e, i) => new BatchItemDto(i, true, e, null)),
            .. errors.Select((e, i) => new BatchItemDto(events.Length + i, false, null, e))];
        foreach (var batch in new[]
        {
            new UsageBatchDto(items, events.Length, errors.Length, false),
            new UsageBatchDto([], 0, 0, true),
        })
        {
            var serialized = System.Text.Json.JsonSerializer.Serialize(new ApiEnvelope<UsageBatchDto>(true, batch), Api.Json);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Encoder = Api.Json.Encoder }))
            {
                UsageBatchAnswer.Write(writer, batch);
            }
            Assert.Equal(serialized, System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }
}
