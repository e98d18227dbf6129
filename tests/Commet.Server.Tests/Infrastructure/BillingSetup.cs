using System.Net;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>Customers, plans, test cards and subscriptions made through the API, for billing tests.</summary>
public static class BillingSetup
{
    public const string GoodCard = "4242424242424242";
    public const string FailsLaterCard = "4000000000000341";

    public static string Unique(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A customer with the merchant's own ID; answers (our ID, the merchant's ID, email).</summary>
    public static async Task<(string Id, string ExternalId, string Email)> CustomerAsync(HttpClient api, string fullName = "Ann Lee", bool withAddress = true)
    {
        var external = Unique("user");
        var email = $"{external}@example.com";
        object body = withAddress
            ? new { id = external, email, fullName, address = new { line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "US", state = "IL" } }
            : new { id = external, email, fullName };
        var created = await api.PostJson("/api/v1/customers", body);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        return (created.Data["id"]!.GetValue<string>(), external, email);
    }

    /// <summary>A monthly plan at <paramref name="price"/> minor units; answers its code.</summary>
    public static async Task<string> PlanAsync(HttpClient api, string name, long price)
    {
        var code = Unique("plan").ToLowerInvariant();
        var plan = await api.PostJson("/api/v1/plans/manage", new { name, code, consumptionModel = "metered" });
        Assert.True(plan.Status == HttpStatusCode.Created, plan.ToString());
        var added = await api.PostJson($"/api/v1/plans/{code}/prices", new { billingInterval = "monthly", price, isDefault = true });
        Assert.True(added.Status == HttpStatusCode.Created, added.ToString());
        return code;
    }

    public static async Task CardAsync(HttpClient api, string customerId, string cardNumber = GoodCard)
    {
        var card = await api.PostJson("/api/v1/sandbox/payment-methods", new { customerId, cardNumber });
        Assert.True(card.Status == HttpStatusCode.Created, card.ToString());
    }

    /// <summary>Subscribes and answers the subscription ID and status.</summary>
    public static async Task<(string Id, string Status)> SubscribeAsync(HttpClient api, string customerId, string planCode)
    {
        var sub = await api.PostJson("/api/v1/subscriptions", new { customerId, planCode });
        Assert.True(sub.Status == HttpStatusCode.Created, sub.ToString());
        return (sub.Data["id"]!.GetValue<string>(), sub.Data["status"]!.GetValue<string>());
    }
}
