using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Commet.Internal;
using Commet.Webhooks;
using Api = Commet.Server.Http.Api;
using EventNames = Commet.Server.Events.EventNames;
using WebhookDispatcher = Commet.Server.Webhooks.WebhookDispatcher;
using WebhookListenApi = Commet.Server.Webhooks.WebhookListenApi;

namespace Commet.Sdk.Tests;

/// <summary>
/// The SDK's event catalogue against the server's: every event the server can record (each of its event data records,
/// the list <c>POST /webhooks/trigger</c> samples from) parses into the SDK's class of the same name, and that class
/// carries every field the server writes — no more, no fewer, at every depth.
/// </summary>
public sealed class EventCatalogueTests
{
    /// <summary>
    /// Names the SDK declares (as @commet/node does) that this server never sends, so they have no data class and arrive
    /// as an untyped <see cref="WebhookEvent"/> with <see cref="WebhookEvent.RawData"/>.
    /// </summary>
    private static readonly Dictionary<string, string> Untyped = new(StringComparer.Ordinal)
    {
        ["payout.available"] = "payouts are not implemented here (the payout routes answer 501)",
        ["payout.created"] = "payouts are not implemented here (the payout routes answer 501)",
        ["payout.paid"] = "payouts are not implemented here (the payout routes answer 501)",
        ["payout.failed"] = "payouts are not implemented here (the payout routes answer 501)",
    };

    private static Dictionary<string, string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void TheSdkNamesEveryEventTheServerNames_UnderTheSameConstant()
    {
        var server = Constants(typeof(EventNames));
        var sdk = Constants(typeof(WebhookEventNames));

        Assert.True(server.Count >= 50, $"only {server.Count} server event names");
        Assert.Equal(server.OrderBy(p => p.Key), sdk.OrderBy(p => p.Key));
    }

    [Fact]
    public void EveryEventTheServerRecords_ParsesTyped_WithEveryFieldTheServerWrites()
    {
        var now = new DateTime(2027, 4, 1, 9, 30, 0, DateTimeKind.Utc);
        var problems = new List<string>();
        foreach (var (name, type) in WebhookListenApi.Samples.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var dataJson = JsonSerializer.Serialize(WebhookListenApi.Sample(type, name, now), type, Api.Json);
            var envelope = WebhookDispatcher.Envelope("evt_catalogue", name, now, "org_catalogue", livemode: false, null, dataJson);

            var parsed = CommetWebhooks.Parse(envelope);

            var dataProperty = parsed.GetType().GetProperty("Data");
            if (!parsed.GetType().IsGenericType || dataProperty is null)
            {
                problems.Add($"{name}: untyped");
                continue;
            }
            var data = dataProperty.GetValue(parsed)!;
            if (data.GetType().Name != type.Name)
            {
                problems.Add($"{name}: typed as {data.GetType().Name}, the server's record is {type.Name}");
            }
            var written = Paths(JsonNode.Parse(dataJson)!);
            var read = Paths(JsonNode.Parse(JsonSerializer.Serialize(data, data.GetType(), CommetJsonContext.Default))!);
            foreach (var missing in written.Except(read))
            {
                problems.Add($"{name}: the SDK's {data.GetType().Name} does not read '{missing}'");
            }
            foreach (var extra in read.Except(written))
            {
                problems.Add($"{name}: the SDK's {data.GetType().Name} has '{extra}', which the server does not write");
            }
            Assert.Equal((name, "evt_catalogue", false), (parsed.Event, parsed.Id, parsed.Livemode));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Every name the SDK declares is either recorded by the server (so checked above) or explained in Untyped.
        var declared = Constants(typeof(WebhookEventNames)).Values.ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(declared, n => !WebhookListenApi.Samples.ContainsKey(n) && !Untyped.ContainsKey(n));
        Assert.DoesNotContain(Untyped.Keys, WebhookListenApi.Samples.ContainsKey);
        Assert.All(Untyped.Keys, n =>
        {
            var untyped = CommetWebhooks.Parse($$$"""{"id":"evt_1","event":"{{{n}}}","data":{"amount":1}}""");
            Assert.Equal((typeof(WebhookEvent), 1), (untyped.GetType(), untyped.RawData.GetProperty("amount").GetInt32()));
        });
    }

    [Fact]
    public void TheNewerEvents_ReadTheirValues()
    {
        var quota = Assert.IsType<WebhookEvent<QuotaExceededData>>(CommetWebhooks.Parse("""
            {"id":"evt_1","event":"quota.exceeded","timestamp":"2027-04-01T09:30:00.000Z","organizationId":"org_1","mode":"live","apiVersion":"2026-07-11",
             "data":{"subscriptionId":"sub_1","customerId":"user_42","featureCode":"projects","currentUsage":11,"includedAmount":10,"overageEnabled":true,"periodStart":"2027-04-01T00:00:00.000Z"}}
            """)).Data;
        Assert.Equal(("sub_1", "user_42", "projects", 11L, 10L, true, new DateTimeOffset(2027, 4, 1, 0, 0, 0, TimeSpan.Zero)),
            (quota.SubscriptionId, quota.CustomerId, quota.FeatureCode, quota.CurrentUsage, quota.IncludedAmount, quota.OverageEnabled, quota.PeriodStart));

        var state = Assert.IsType<WebhookEvent<CustomerStateChangedData>>(CommetWebhooks.Parse("""
            {"id":"evt_2","event":"customer.state_changed","data":{"customerId":"user_42","trigger":"quota_exceeded","status":"active","subscriptionId":"sub_1",
             "plan":{"id":"plan_1","name":"Team"},"billingInterval":"monthly","consumptionModel":"metered",
             "features":[{"code":"projects","name":"Projects","type":"quota","allowed":true,"enabled":null,"current":11,"included":10,"remaining":0,
               "overageQuantity":1,"overageUnitPrice":20000,"unlimited":false,"overageEnabled":true,"billedQuantity":11}],
             "seats":[],"credits":null,"balance":{"currentBalance":125000}}}
            """)).Data;
        var projects = Assert.Single(state.Features);
        Assert.Equal(("quota_exceeded", "Team", 11m, 1m, 20000L, 11m, 125000L), (state.Trigger, state.Plan!.Name, projects.Current, projects.OverageQuantity,
            projects.OverageUnitPrice, projects.BilledQuantity, state.Balance!.CurrentBalance));
        Assert.Null(state.Credits);

        var dispute = Assert.IsType<WebhookEvent<PaymentDisputeResolvedData>>(CommetWebhooks.Parse("""
            {"id":"evt_3","event":"payment.dispute_resolved","data":{"paymentTransactionId":"txn_1","provider":"stripe","paymentLinkId":null,"invoiceId":"inv_1",
             "invoiceNumber":"INV-0001","customerId":"user_42","subscriptionId":"sub_1","disputeAmount":4900,"currency":"usd","disputeReason":"fraudulent","outcome":"won"}}
            """)).Data;
        Assert.Equal(("txn_1", 4900L, "won", (string?)null), (dispute.PaymentTransactionId, dispute.DisputeAmount, dispute.Outcome, dispute.PaymentLinkId));

        var customer = Assert.IsType<WebhookEvent<CustomerCreatedData>>(CommetWebhooks.Parse("""
            {"id":"evt_4","event":"customer.created","data":{"id":"cus_1","externalId":"user_42","fullName":"Ada","email":"ada@example.com","taxDocument":null,
             "documentType":null,"timezone":"Europe/Paris","metadata":{"tier":2},"createdAt":"2027-04-01T09:30:00.000Z","updatedAt":"2027-04-01T09:30:00.000Z"}}
            """)).Data;
        Assert.Equal(("cus_1", "user_42", 2), (customer.Id, customer.ExternalId, customer.Metadata!["tier"]!.GetValue<int>()));
    }

    /// <summary>Every property path of a JSON value (<c>features[].code</c>); array items merged.</summary>
    private static SortedSet<string> Paths(JsonNode node, string prefix = "")
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var path = prefix.Length == 0 ? key : prefix + "." + key;
                    paths.Add(path);
                    if (value is not null && !(prefix.Length == 0 && key == "metadata"))
                    {
                        paths.UnionWith(Paths(value, path));
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array.Where(i => i is not null))
                {
                    paths.UnionWith(Paths(item!, prefix + "[]"));
                }
                break;
        }
        return paths;
    }
}
