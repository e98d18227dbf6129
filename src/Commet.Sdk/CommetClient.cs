using Commet.Internal;
using Commet.Resources;

namespace Commet;

/// <summary>
/// The client of the Commet API. Make one per API key and share it: it is thread-safe, and every method is
/// async, takes a <see cref="CancellationToken"/>, and is virtual so a test can mock it.
/// <code>
/// var commet = new CommetClient("ck_test_…", new CommetClientOptions { BaseUrl = new Uri("http://localhost:5080") });
/// var customer = await commet.Customers.CreateAsync(new() { Id = "user_42", Email = "ada@example.com" });
/// </code>
/// Writes carry an <c>Idempotency-Key</c> that their retries reuse, so a retried request never runs twice.
/// </summary>
public class CommetClient
{
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        // Pick up DNS changes of long-lived processes.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        // Each attempt has its own time-out (CommetClientOptions.Timeout).
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    });

    /// <summary>For mocking: a client whose resource properties a mocking library overrides.</summary>
    protected CommetClient()
    {
        Customers = null!;
        Subscriptions = null!;
        Usage = null!;
        Seats = null!;
        Quota = null!;
        AiModelRates = null!;
        FeatureAccess = null!;
        Features = null!;
        Plans = null!;
        PlanGroups = null!;
        CreditPacks = null!;
        Addons = null!;
        Invoices = null!;
        Transactions = null!;
        Webhooks = null!;
        ApiKeys = null!;
        TestClock = null!;
        Portal = null!;
        Emails = null!;
        PaymentProvider = null!;
        Sandbox = null!;
        PromoCodes = null!;
        Payments = null!;
    }

    /// <summary>A client of Commet's hosted service with the default settings.</summary>
    /// <param name="apiKey">A <c>ck_live_…</c> or <c>ck_test_…</c> key.</param>
    public CommetClient(string apiKey)
        : this(apiKey, new CommetClientOptions())
    {
    }

    /// <summary>A client with settings (the server's address, time-out, retries).</summary>
    /// <param name="apiKey">A <c>ck_live_…</c> or <c>ck_test_…</c> key.</param>
    /// <param name="options">The settings.</param>
    public CommetClient(string apiKey, CommetClientOptions options)
        : this(apiKey, options, SharedHttp.Value)
    {
    }

    /// <summary>
    /// A client that sends through <paramref name="httpClient"/> (from <c>IHttpClientFactory</c>, or with a handler of your
    /// own). Its <see cref="HttpClient.BaseAddress"/> and default headers are not used; set its <see cref="HttpClient.Timeout"/>
    /// no shorter than <see cref="CommetClientOptions.Timeout"/>.
    /// </summary>
    /// <param name="apiKey">A <c>ck_live_…</c> or <c>ck_test_…</c> key.</param>
    /// <param name="options">The settings.</param>
    /// <param name="httpClient">The HTTP client to send through.</param>
    public CommetClient(string apiKey, CommetClientOptions options, HttpClient httpClient)
        : this(new Pipeline(httpClient, apiKey, options))
    {
    }

    internal CommetClient(Pipeline pipeline)
    {
        Pipeline = pipeline;
        Customers = new CustomersClient(pipeline);
        Subscriptions = new SubscriptionsClient(pipeline);
        Usage = new UsageClient(pipeline);
        Seats = new SeatsClient(pipeline);
        Quota = new QuotaClient(pipeline);
        AiModelRates = new AiModelRatesClient(pipeline);
        FeatureAccess = new FeatureAccessClient(pipeline);
        Features = new FeaturesClient(pipeline);
        Plans = new PlansClient(pipeline);
        PlanGroups = new PlanGroupsClient(pipeline);
        CreditPacks = new CreditPacksClient(pipeline);
        Addons = new AddonsClient(pipeline);
        Invoices = new InvoicesClient(pipeline);
        Transactions = new TransactionsClient(pipeline);
        Webhooks = new WebhooksClient(pipeline);
        ApiKeys = new ApiKeysClient(pipeline);
        TestClock = new TestClockClient(pipeline);
        Portal = new PortalClient(pipeline);
        Emails = new EmailsClient(pipeline);
        PaymentProvider = new PaymentProviderClient(pipeline);
        Sandbox = new SandboxClient(pipeline);
        PromoCodes = new PromoCodesClient(pipeline);
        Payments = new PaymentsClient(pipeline);
    }

    internal Pipeline? Pipeline { get; }

    /// <summary>Customers.</summary>
    public virtual CustomersClient Customers { get; }

    /// <summary>Subscriptions: create, cancel, change plan, preview, upcoming invoice, add-ons, credits and balance.</summary>
    public virtual SubscriptionsClient Subscriptions { get; }

    /// <summary>Usage: track, batch, check, set.</summary>
    public virtual UsageClient Usage { get; }

    /// <summary>Seats.</summary>
    public virtual SeatsClient Seats { get; }

    /// <summary>Quota features: add, set, remove, get, get all.</summary>
    public virtual QuotaClient Quota { get; }

    /// <summary>Your own prices per AI model for <c>ai_model</c> pricing (a Commet for .NET addition).</summary>
    public virtual AiModelRatesClient AiModelRates { get; }

    /// <summary>What a customer may use now.</summary>
    public virtual FeatureAccessClient FeatureAccess { get; }

    /// <summary>The feature catalog.</summary>
    public virtual FeaturesClient Features { get; }

    /// <summary>Plans, their features and prices.</summary>
    public virtual PlansClient Plans { get; }

    /// <summary>Plan groups.</summary>
    public virtual PlanGroupsClient PlanGroups { get; }

    /// <summary>Credit packs.</summary>
    public virtual CreditPacksClient CreditPacks { get; }

    /// <summary>Add-ons.</summary>
    public virtual AddonsClient Addons { get; }

    /// <summary>Promo codes: discounts customers redeem when subscribing.</summary>
    public virtual PromoCodesClient PromoCodes { get; }

    /// <summary>Invoices, with their PDFs.</summary>
    public virtual InvoicesClient Invoices { get; }

    /// <summary>Payment transactions.</summary>
    public virtual TransactionsClient Transactions { get; }

    /// <summary>One-off payments: payment links and charges of the saved card.</summary>
    public virtual PaymentsClient Payments { get; }

    /// <summary>Webhook endpoints.</summary>
    public virtual WebhooksClient Webhooks { get; }

    /// <summary>API keys.</summary>
    public virtual ApiKeysClient ApiKeys { get; }

    /// <summary>The sandbox test clock.</summary>
    public virtual TestClockClient TestClock { get; }

    /// <summary>Customer Portal links and settings.</summary>
    public virtual PortalClient Portal { get; }

    /// <summary>The emails sent to customers (a Commet for .NET addition).</summary>
    public virtual EmailsClient Emails { get; }

    /// <summary>The payment provider: the built-in sandbox one or a connected Stripe account (a Commet for .NET addition).</summary>
    public virtual PaymentProviderClient PaymentProvider { get; }

    /// <summary>Sandbox helpers such as saving a test card (sandbox keys only; a Commet for .NET addition).</summary>
    public virtual SandboxClient Sandbox { get; }
}
