using System.Security.Cryptography;
using System.Text;
using Commet.Webhooks;

namespace Commet.Sdk.Tests;

public sealed class WebhookTests
{
    private const string Body = """{"id":"whev_1","event":"subscription.canceled","timestamp":"2026-03-01T12:00:00.000Z","organizationId":"org_1","mode":"sandbox","apiVersion":"2026-07-11","data":{"subscriptionId":"sub_1","customerId":"user_1","status":"canceled","canceledAt":"2026-03-01T12:00:00.000Z","cancelReason":"too expensive","endDate":"2026-03-31T00:00:00.000Z"}}""";

    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("a-very-secret-key-of-32-bytes!!!"));

    [Fact]
    public void CommetSignature_IsTheHexHmacOfTheRawBody_KeyedByTheSecretString()
    {
        // Worked out independently of the SDK: HMAC-SHA256(key = the secret's UTF-8 bytes, message = the body), lower-case hex.
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(Body)));

        Assert.Equal(expected, CommetWebhooks.Sign(Body, Secret));
        Assert.True(CommetWebhooks.VerifySignature(Body, expected, Secret));
        Assert.True(CommetWebhooks.VerifySignature(Body, expected.ToUpperInvariant(), Secret));
        Assert.False(CommetWebhooks.VerifySignature(Body + " ", expected, Secret));
        Assert.False(CommetWebhooks.VerifySignature(Body, expected, Secret + "x"));
        Assert.False(CommetWebhooks.VerifySignature(Body, "not-hex", Secret));
        Assert.False(CommetWebhooks.VerifySignature(Body, null, Secret));
        Assert.False(CommetWebhooks.VerifySignature(Body, expected[..10], Secret));
    }

    [Fact]
    public void StandardWebhooks_SignIdTimestampAndBody_WithTheBase64Key_AndAcceptAnyOfSeveralSignatures()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var ts = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"msg_1.{ts}.{Body}")));

        Assert.Equal(expected, CommetWebhooks.SignStandard(Body, "msg_1", at, Secret));
        Assert.True(CommetWebhooks.VerifyStandard(Body, "msg_1", ts, expected, Secret, at));
        // A rotated secret: the header carries the old and the new signature.
        Assert.True(CommetWebhooks.VerifyStandard(Body, "msg_1", ts, "v1,bm90LXRoZS1zaWduYXR1cmU= " + expected, Secret, at));
        // Four minutes late is fine; six is not, nor six early.
        Assert.True(CommetWebhooks.VerifyStandard(Body, "msg_1", ts, expected, Secret, at.AddMinutes(4)));
        Assert.False(CommetWebhooks.VerifyStandard(Body, "msg_1", ts, expected, Secret, at.AddMinutes(6)));
        Assert.False(CommetWebhooks.VerifyStandard(Body, "msg_1", ts, expected, Secret, at.AddMinutes(-6)));
        // Another ID, body or version is refused.
        Assert.False(CommetWebhooks.VerifyStandard(Body, "msg_2", ts, expected, Secret, at));
        Assert.False(CommetWebhooks.VerifyStandard(Body.Replace("sub_1", "sub_2", StringComparison.Ordinal), "msg_1", ts, expected, Secret, at));
        Assert.False(CommetWebhooks.VerifyStandard(Body, "msg_1", ts, "v2," + expected[3..], Secret, at));
        Assert.False(CommetWebhooks.VerifyStandard(Body, "msg_1", "soon", expected, Secret, at));
    }

    [Fact]
    public void Verify_PicksTheSchemeFromTheHeaders()
    {
        var at = DateTimeOffset.UtcNow;
        var standard = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["webhook-id"] = "msg_1",
            ["webhook-timestamp"] = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = CommetWebhooks.SignStandard(Body, "msg_1", at, Secret),
        };
        var commet = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Commet-Signature"] = CommetWebhooks.Sign(Body, Secret) };

        Assert.True(CommetWebhooks.Verify(Body, h => standard.GetValueOrDefault(h), Secret));
        Assert.True(CommetWebhooks.Verify(Body, h => commet.GetValueOrDefault(h), Secret));
        Assert.False(CommetWebhooks.Verify(Body, _ => null, Secret));
        Assert.Throws<CommetWebhookSignatureException>(() => CommetWebhooks.VerifyAndParse(Body, _ => null, Secret));
    }

    [Fact]
    public void Parse_GivesTheTypedEvent_WithTheEnvelope()
    {
        var parsed = CommetWebhooks.VerifyAndParse(Body, h => h == "X-Commet-Signature" ? CommetWebhooks.Sign(Body, Secret) : null, Secret);

        var canceled = Assert.IsType<WebhookEvent<SubscriptionCanceledData>>(parsed);
        Assert.Equal("whev_1", canceled.Id);
        Assert.Equal(WebhookEventNames.SubscriptionCanceled, canceled.Event);
        Assert.Equal("org_1", canceled.OrganizationId);
        Assert.False(canceled.Livemode);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), canceled.Timestamp);
        Assert.Equal("sub_1", canceled.Data.SubscriptionId);
        Assert.Equal("too expensive", canceled.Data.CancelReason);
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero), canceled.Data.EndDate);
    }

    [Fact]
    public void Parse_KeepsUnknownEvents_Untyped_WithTheirData()
    {
        var parsed = CommetWebhooks.Parse("""{"id":"whev_2","event":"payout.paid","timestamp":"2026-03-01T12:00:00.000Z","organizationId":"org_1","mode":"live","apiVersion":"2026-07-11","data":{"payoutId":"po_1"}}""");

        Assert.Equal(typeof(WebhookEvent), parsed.GetType());
        Assert.True(parsed.Livemode);
        Assert.Equal("po_1", parsed.RawData.GetProperty("payoutId").GetString());
    }

    [Fact]
    public void Parse_NestedRecords_AndMoney()
    {
        var parsed = CommetWebhooks.Parse("""{"id":"whev_3","event":"subscription.plan_changed","timestamp":"2026-03-15T00:00:00.000Z","organizationId":"org_1","mode":"sandbox","apiVersion":"2026-07-11","data":{"subscriptionId":"sub_1","customerId":"cus_1","previousPlan":{"id":"plan_a","name":"Starter"},"currentPlan":{"id":"plan_b","name":"Pro"},"billingInterval":"monthly","credit":1450,"charge":4350,"totalCharged":2900}}""");

        var changed = Assert.IsType<WebhookEvent<SubscriptionPlanChangedData>>(parsed);
        Assert.Equal(new WebhookPlanRef("plan_b", "Pro"), changed.Data.CurrentPlan);
        Assert.Equal("Starter", changed.Data.PreviousPlan.Name);
        // 4350 charged for the new plan less 1450 credit = 2900.
        Assert.Equal(changed.Data.Charge - changed.Data.Credit, changed.Data.TotalCharged);
    }

    [Fact]
    public async Task EventStream_ReadsEachDataBlockAsAnEvent_SkippingCommentsAndOtherFields()
    {
        // Two events as GET /webhooks/listen sends them, with the connection and heartbeat comments between; the second's
        // data split over two data: lines (joined with a newline, as server-sent events define).
        var second = Body.Replace("whev_1", "whev_2", StringComparison.Ordinal).Replace("\"subscription.canceled\"", "\"custom.thing\"", StringComparison.Ordinal);
        var split = second.IndexOf(",\"data\"", StringComparison.Ordinal);
        var text = $": connected\n\nid: whev_1\nevent: subscription.canceled\ndata: {Body}\n\n: heartbeat\n\nid: whev_2\ndata: {second[..split]}\ndata:{second[split..]}\n\n";
        await using var stream = new WebhookEventStream(new MemoryStream(Encoding.UTF8.GetBytes(text)));

        var events = await stream.ReadAllAsync().ToListAsync();

        Assert.Equal(["whev_1", "whev_2"], events.Select(e => e.Id));
        var canceled = Assert.IsType<WebhookEvent<SubscriptionCanceledData>>(events[0]);
        Assert.Equal(("sub_1", "too expensive"), (canceled.Data.SubscriptionId, canceled.Data.CancelReason));
        Assert.Equal(("custom.thing", "user_1"), (events[1].Event, events[1].RawData.GetProperty("customerId").GetString()));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await stream.ReadAllAsync().ToListAsync());
    }
}
