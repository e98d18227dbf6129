using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Commet.Models;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Sdk.Tests;

/// <summary>
/// Every resource of the SDK against a real server (Kestrel, SQLite or PostgreSQL), each test in a fresh organization.
/// Amounts are worked out by hand in the comments.
/// </summary>
public abstract class ServerTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly DateTimeOffset April1 = new(2027, 4, 1, 0, 0, 0, TimeSpan.Zero);

    private async Task<(CommetClient Commet, TestTenant Tenant)> TenantAsync()
    {
        var tenant = await server.NewTenantAsync();
        return (new CommetClient(tenant.SandboxKey, new CommetClientOptions { BaseUrl = server.BaseAddress }), tenant);
    }

    /// <summary>A customer with a test card, saved through the sandbox route (a server addition).</summary>
    private static async Task<Customer> CustomerWithCardAsync(CommetClient commet, string id)
    {
        var customer = await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = id, Email = id + "@example.com", FullName = "Ada " + id });
        var card = await commet.Sandbox.AddTestCardAsync(new AddTestCardRequest { CustomerId = id, CardNumber = "4242424242424242" });
        Assert.Equal((customer.Id, "4242", true), (card.CustomerId, card.Last4, card.IsDefault));
        return customer;
    }

    private static async Task<Plan> PlanAsync(CommetClient commet, string code, long monthly, string? groupId = null, ConsumptionModel? model = null,
        long? includedCredits = null, long? includedBalance = null)
    {
        await commet.Plans.CreateAsync(new CreatePlanRequest { Code = code, Name = code, PlanGroupId = groupId, ConsumptionModel = model, IsPublic = true });
        await commet.Plans.AddPriceAsync(code, new AddPlanPriceRequest
        {
            BillingInterval = BillingInterval.Monthly, Price = monthly, IsDefault = true, IncludedCredits = includedCredits, IncludedBalance = includedBalance,
        });
        return await commet.Plans.GetAsync(code);
    }

    [Fact]
    public async Task Features_CreateGetListUpdateDelete()
    {
        var (commet, _) = await TenantAsync();

        var created = await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "api_calls", Name = "API calls", Type = FeatureType.Usage, UnitName = "call" });
        var updated = await commet.Features.UpdateAsync("api_calls", new UpdateFeatureRequest { Name = "API requests" });
        var got = await commet.Features.GetAsync("api_calls");
        var listed = await commet.Features.ListAsync().ToListAsync();
        var deleted = await commet.Features.DeleteAsync("api_calls");

        Assert.StartsWith("ftr_", created.Id);
        Assert.Equal((FeatureType.Usage, "call", false), (created.Type, created.UnitName, created.Livemode));
        Assert.Equal("API requests", updated.Name);
        Assert.Equal((created.Id, "API requests"), (got.Id, got.Name));
        Assert.Equal([created.Id], listed.Select(f => f.Id));
        Assert.True(deleted.Deleted);
        Assert.Empty(await commet.Features.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task FieldsTheRouteCheckFound_RoundTrip_CustomerLocaleAddress_PlanLowBalance_PortalLocale()
    {
        var (commet, _) = await TenantAsync();
        var created = await commet.Customers.CreateAsync(new CreateCustomerRequest
        {
            Id = "ana", Email = "ana@example.com", DocumentType = "nif", TaxDocument = "B12345678", Locale = "es",
            Address = new Address { Line1 = "Calle Mayor 1", City = "Madrid", PostalCode = "28013", Country = "ES" },
        });
        Assert.Equal(("es", "nif", "Madrid", "ES"), (created.Locale, created.DocumentType, created.Address!.City, created.Address.Country));
        var updated = await commet.Customers.UpdateAsync("ana", new UpdateCustomerRequest { Locale = "pt-BR", DocumentType = "cif" });
        Assert.Equal(("pt-BR", "cif", "Calle Mayor 1"), (updated.Locale, updated.DocumentType, updated.Address!.Line1));
        Assert.Equal("pt-BR", (await commet.Customers.GetAsync("ana")).Locale);

        await commet.Plans.CreateAsync(new CreatePlanRequest { Code = "payg", Name = "Pay as you go", ConsumptionModel = ConsumptionModel.Balance, LowBalancePercent = 15 });
        Assert.Equal(15, (await commet.Plans.GetAsync("payg")).LowBalancePercent);
        var changed = await commet.Plans.UpdateAsync("payg", new UpdatePlanRequest { LowBalancePercent = 25, BlockOnExhaustion = true });
        Assert.Equal((25, true), (changed.LowBalancePercent, changed.BlockOnExhaustion));
        var refused = await Assert.ThrowsAsync<CommetApiException>(() => commet.Plans.UpdateAsync("payg", new UpdatePlanRequest { LowBalancePercent = 101 }));
        Assert.Contains(refused.FieldErrors, f => f.Field == "lowBalancePercent");

        // A link with a language of its own: the portal opens in it.
        var url = await commet.Portal.GetUrlAsync(new PortalUrlRequest { CustomerId = "ana", Locale = "es" });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = true });
        var html = await http.GetStringAsync(url);
        Assert.Contains("<html lang=\"es\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plans_EveryVerb()
    {
        var (commet, _) = await TenantAsync();
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "api_calls", Name = "API calls", Type = FeatureType.Usage });

        var plan = await commet.Plans.CreateAsync(new CreatePlanRequest { Code = "pro", Name = "Pro", ConsumptionModel = ConsumptionModel.Metered, IsPublic = true });
        var monthly = await commet.Plans.AddPriceAsync("pro", new AddPlanPriceRequest { BillingInterval = BillingInterval.Monthly, Price = 4900, IsDefault = true });
        var yearly = await commet.Plans.AddPriceAsync("pro", new AddPlanPriceRequest { BillingInterval = BillingInterval.Yearly, Price = 49000 });
        var repriced = await commet.Plans.UpdatePriceAsync("pro", yearly.Id, new UpdatePlanPriceRequest { Price = 47000, TrialDays = 14 });
        var newDefault = await commet.Plans.SetDefaultPriceAsync("pro", yearly.Id);
        var feature = await commet.Plans.AddFeatureAsync("pro", new AddPlanFeatureRequest
        {
            FeatureId = "api_calls", IncludedAmount = 10000, Overage = new PlanFeatureOverage { Enabled = true, UnitPrice = 20 },
        });
        var featureUpdated = await commet.Plans.UpdateFeatureAsync("pro", "api_calls", new UpdatePlanFeatureRequest { IncludedAmount = 20000 });
        var full = await commet.Plans.GetAsync("pro");

        Assert.StartsWith("plan_", plan.Id);
        Assert.Equal((4900L, BillingInterval.Monthly), (monthly.Price, monthly.BillingInterval));
        Assert.Equal((47000L, 14), (repriced.Price, repriced.TrialDays));
        Assert.True(newDefault.IsDefault);
        Assert.Equal((10000L, true, 20L), (feature.IncludedAmount, feature.Overage!.Enabled!.Value, feature.Overage.UnitPrice!.Value));
        Assert.Equal(20000, featureUpdated.IncludedAmount);
        Assert.Equal([(BillingInterval.Monthly, 4900L, false), (BillingInterval.Yearly, 47000L, true)],
            full.Prices!.OrderBy(p => p.BillingInterval).Select(p => (p.BillingInterval, p.Price, p.IsDefault)));
        var planFeature = Assert.Single(full.Features!);
        Assert.Equal(("api_calls", 20000L, 20L), (planFeature.Code, planFeature.IncludedAmount!.Value, planFeature.Overage!.UnitPrice!.Value));

        var hidden = await commet.Plans.SetVisibilityAsync("pro", false);
        Assert.False(hidden.IsPublic);
        Assert.Empty(await commet.Plans.ListAsync().ToListAsync());
        Assert.Equal(["pro"], (await commet.Plans.ListAsync(includePrivate: true).ToListAsync()).Select(p => p.Code));

        var renamed = await commet.Plans.UpdateAsync("pro", new UpdatePlanRequest { Name = "Professional", Metadata = new JsonObject { ["tier"] = 2 } });
        Assert.Equal(("Professional", 2), (renamed.Name, renamed.Metadata!["tier"]!.GetValue<int>()));

        var removed = await commet.Plans.RemoveFeatureAsync("pro", "api_calls");
        var priceDeleted = await commet.Plans.DeletePriceAsync("pro", monthly.Id);
        var planDeleted = await commet.Plans.DeleteAsync("pro");
        Assert.True(removed.Removed);
        Assert.True(priceDeleted.Deleted);
        Assert.True(planDeleted.Deleted);
        var gone = await Assert.ThrowsAsync<CommetApiException>(() => commet.Plans.GetAsync("pro"));
        Assert.Equal((HttpStatusCode.NotFound, "plan_not_found"), (gone.Status, gone.Code));
    }

    [Fact]
    public async Task PlanGroups_EveryVerb()
    {
        var (commet, _) = await TenantAsync();
        var starter = await PlanAsync(commet, "starter", 1000);
        var pro = await PlanAsync(commet, "pro", 3000);

        var group = await commet.PlanGroups.CreateAsync(new CreatePlanGroupRequest { Name = "Main", IsPublic = true });
        var added1 = await commet.PlanGroups.AddPlanAsync(group.Id, starter.Id, 1);
        await commet.PlanGroups.AddPlanAsync(group.Id, pro.Id, 2);
        var reordered = await commet.PlanGroups.ReorderPlansAsync(group.Id, [pro.Id, starter.Id]);
        var got = await commet.PlanGroups.GetAsync(group.Id);
        var updated = await commet.PlanGroups.UpdateAsync(group.Id, new UpdatePlanGroupRequest { Name = "Everything" });
        var listed = await commet.PlanGroups.ListAsync(new ListOptions { PageSize = 1 }).ToListAsync();
        var removed = await commet.PlanGroups.RemovePlanAsync(group.Id, starter.Id);
        var afterRemove = await commet.PlanGroups.GetAsync(group.Id);
        var deleted = await commet.PlanGroups.DeleteAsync(group.Id);

        Assert.StartsWith("plg_", group.Id);
        Assert.True(added1.Success);
        Assert.True(reordered.Reordered);
        Assert.Equal([pro.Id, starter.Id], got.Plans!.OrderBy(p => p.SortOrder).Select(p => p.Id));
        Assert.Equal("Everything", updated.Name);
        Assert.Equal([group.Id], listed.Select(g => g.Id));
        Assert.True(removed.Removed);
        Assert.Equal([pro.Id], afterRemove.Plans!.Select(p => p.Id));
        Assert.True(deleted.Deleted);
    }

    [Fact]
    public async Task CreditPacks_AndAddons_EveryVerb()
    {
        var (commet, _) = await TenantAsync();
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "extra_storage", Name = "Extra storage", Type = FeatureType.Boolean });

        var pack = await commet.CreditPacks.CreateAsync(new CreateCreditPackRequest { Name = "500 credits", Credits = 500, Price = 1500 });
        var repriced = await commet.CreditPacks.UpdateAsync(pack.Id, new UpdateCreditPackRequest { Price = 1200 });
        var packs = await commet.CreditPacks.ListAsync().ToListAsync();
        Assert.StartsWith("cpk_", pack.Id);
        Assert.Equal((500L, 1200L), (repriced.Credits, repriced.Price));
        Assert.Equal([pack.Id], packs.Select(p => p.Id));
        Assert.True((await commet.CreditPacks.DeleteAsync(pack.Id)).Deleted);
        Assert.Empty(await commet.CreditPacks.ListAsync().ToListAsync());

        var addon = await commet.Addons.CreateAsync(new CreateAddonRequest
        {
            Name = "Extra storage", FeatureId = "extra_storage", BasePrice = 500, ConsumptionModel = AddonConsumptionModel.Boolean,
        });
        var updated = await commet.Addons.UpdateAsync(addon.Id, new UpdateAddonRequest { BasePrice = 700 });
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "renders", Name = "Renders", Type = FeatureType.Usage });
        var metered = await commet.Addons.CreateAsync(new CreateAddonRequest
        {
            Name = "Extra renders", FeatureId = "renders", BasePrice = 0, ConsumptionModel = AddonConsumptionModel.Credits, CreditCost = 2,
        });
        Assert.Equal(5L, (await commet.Addons.UpdateAsync(metered.Id, new UpdateAddonRequest { CreditCost = 5 })).CreditCost);
        Assert.True((await commet.Addons.DeleteAsync(metered.Id)).Deleted);
        var bySlug = await commet.Addons.GetAsync(addon.Slug);
        var addons = await commet.Addons.ListAsync().ToListAsync();
        Assert.StartsWith("adn_", addon.Id);
        Assert.Equal(("extra_storage", AddonConsumptionModel.Boolean), (addon.FeatureCode, addon.ConsumptionModel));
        Assert.Equal(700, updated.BasePrice);
        Assert.Equal(addon.Id, bySlug.Id);
        Assert.Equal([addon.Id], addons.Select(a => a.Id));
        Assert.True((await commet.Addons.DeleteAsync(addon.Id)).Deleted);
    }

    [Fact]
    public async Task Customers_CreateGetUpdateBatchList_AndErrorsCarryTheEnvelope()
    {
        var (commet, _) = await TenantAsync();

        var created = await commet.Customers.CreateAsync(new CreateCustomerRequest
        {
            Id = "user_1", Email = "ada@example.com", FullName = "Ada Lovelace", Metadata = new JsonObject { ["source"] = "sdk" },
            Address = new Address { Line1 = "1 Main St", City = "Springfield", PostalCode = "12345", Country = "US", State = "IL" },
        });
        var byOwnId = await commet.Customers.GetAsync("user_1");
        var updated = await commet.Customers.UpdateAsync("user_1", new UpdateCustomerRequest { FullName = "Ada King" });
        var batch = await commet.Customers.CreateBatchAsync(new BatchCreateCustomersRequest
        {
            Customers =
            [
                new CreateCustomerRequest { Id = "user_2", Email = "b@example.com" },
                new CreateCustomerRequest { Id = "user_3", Email = "c@example.com" },
                new CreateCustomerRequest { Id = "user_4", Email = "" },
            ],
        });
        await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = "user_5", Email = "e@example.com" });
        await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = "user_6", Email = "f@example.com" });
        // Five customers, two a page: three requests, newest first.
        var all = await commet.Customers.ListAsync(new ListCustomersOptions { PageSize = 2 }).ToListAsync();
        var filtered = await commet.Customers.ListAsync(new ListCustomersOptions { ExternalId = "user_3" }).ToListAsync();

        Assert.StartsWith("cus_", created.Id);
        Assert.Equal(("user_1", "sdk"), (created.ExternalId, created.Metadata!["source"]!.GetValue<string>()));
        Assert.Equal(created.Id, byOwnId.Id);
        Assert.Equal("Ada King", updated.FullName);
        Assert.Equal(["user_2", "user_3"], batch.Successful.Select(s => s.ExternalId));
        Assert.Equal(2, Assert.Single(batch.Failed).Index);
        Assert.Equal(["user_6", "user_5", "user_3", "user_2", "user_1"], all.Select(c => c.ExternalId));
        Assert.Equal(["user_3"], filtered.Select(c => c.ExternalId));

        var invalid = await Assert.ThrowsAsync<CommetApiException>(() => commet.Customers.CreateAsync(new CreateCustomerRequest { Email = "not-an-email" }));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error", "validation_error"), (invalid.Status, invalid.Code, invalid.ErrorType));
        Assert.Contains(invalid.FieldErrors, f => f.Field == "email");
        Assert.False(string.IsNullOrEmpty(invalid.RequestId));

        var missing = await Assert.ThrowsAsync<CommetApiException>(() => commet.Customers.GetAsync("nobody"));
        Assert.Equal((HttpStatusCode.NotFound, "customer_not_found"), (missing.Status, missing.Code));
    }

    [Fact]
    public async Task Subscription_Usage_Addon_UpcomingInvoice_Invoices_Transactions_TestClock()
    {
        var (commet, tenant) = await TenantAsync();
        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { FrozenTime = new DateTimeOffset(2027, 4, 4, 0, 0, 0, TimeSpan.Zero) });
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "api_calls", Name = "API calls", Type = FeatureType.Usage });
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "extra_storage", Name = "Extra storage", Type = FeatureType.Boolean });
        await commet.Plans.CreateAsync(new CreatePlanRequest { Code = "metered", Name = "Metered" });
        await commet.Plans.AddPriceAsync("metered", new AddPlanPriceRequest { BillingInterval = BillingInterval.Monthly, Price = 2500 });
        await commet.Plans.AddFeatureAsync("metered", new AddPlanFeatureRequest
        {
            FeatureId = "api_calls", IncludedAmount = 10000, Overage = new PlanFeatureOverage { Enabled = true, UnitPrice = 20 },
        });
        var addon = await commet.Addons.CreateAsync(new CreateAddonRequest
        {
            Name = "Extra storage", FeatureId = "extra_storage", BasePrice = 500, ConsumptionModel = AddonConsumptionModel.Boolean,
        });
        var customer = await CustomerWithCardAsync(commet, "met");
        Assert.Null(await commet.Subscriptions.GetActiveAsync("met"));

        var sub = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "met", PlanCode = "metered" });
        Assert.Equal((SubscriptionStatus.Active, BillingInterval.Monthly, 2500L), (sub.Status, sub.BillingInterval, sub.Plan.BasePrice!.Value));
        Assert.Equal(new DateTimeOffset(2027, 5, 4, 0, 0, 0, TimeSpan.Zero), sub.CurrentPeriod!.End);
        Assert.Equal(sub.Id, (await commet.Subscriptions.GetActiveAsync("met"))!.Id);
        Assert.Equal([sub.Id], (await commet.Subscriptions.ListAsync(new ListSubscriptionsOptions { CustomerId = "met", Status = SubscriptionStatus.Active }).ToListAsync()).Select(s => s.Id));

        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { AdvanceDays = 16 });
        var activated = await commet.Subscriptions.ActivateAddonAsync(sub.Id, addon.Id);
        var active = Assert.Single(await commet.Addons.ListActiveAsync("met").ToListAsync());
        Assert.Equal(("active", "extra_storage"), (activated.Status, active.FeatureCode));

        var tracked = await commet.Usage.TrackAsync(new TrackUsageRequest
        {
            CustomerId = "met", Feature = "api_calls", Value = 12000, IdempotencyKey = "batch-0001", Properties = new Dictionary<string, string> { ["region"] = "eu" },
        });
        var again = await commet.Usage.TrackAsync("met", "api_calls", 12000, idempotencyKey: "batch-0001");
        Assert.StartsWith("evt_", tracked.Id);
        Assert.Equal((12000m, false, "region", "eu"), (tracked.Value, tracked.Duplicate, tracked.Properties![0].Property, tracked.Properties[0].Value));
        Assert.Equal((tracked.Id, true), (again.Id, again.Duplicate));

        var access = await commet.FeatureAccess.GetAsync("met", "api_calls");
        Assert.Equal((true, 12000m, 10000m, 2000m), (access.Allowed, access.Current!.Value, access.Included!.Value, access.OverageQuantity!.Value));
        Assert.Contains("api_calls", (await commet.FeatureAccess.ListAsync("met").ToListAsync()).Select(a => a.Code));
        Assert.True((await commet.FeatureAccess.CanUseAsync("met", "api_calls")).WillBeCharged);
        var check = await commet.Usage.CheckAsync("met", "api_calls", 5);
        Assert.Equal((true, ConsumptionModel.Metered, 5m), (check.Allowed, check.ConsumptionModel, check.Quantity));

        var upcoming = await commet.Subscriptions.GetUpcomingInvoiceAsync(sub.Id);
        // $25.00 plan + (12,000 − 10,000) × $0.002 = $4.00 overage + $5.00 add-on = $34.00.
        Assert.Equal((InvoiceStatus.Draft, InvoiceType.Recurring, 3400L), (upcoming.Status, upcoming.InvoiceType, upcoming.Total));
        Assert.Equal([("plan_base", 2500L), ("feature_overage", 400L), ("addon_base", 500L)], upcoming.LineItems!.Select(l => (l.LineType, l.Amount)));

        // Setting the period's total to 11,000 records −1,000 and brings the overage to 1,000 × $0.002 = $2.00.
        var set = await commet.Usage.SetAsync(new SetUsageRequest { CustomerId = "met", Feature = "api_calls", Value = 11000, Reason = "correction" });
        Assert.Equal((11000m, 12000m, -1000m), (set.Value, set.PreviousValue, set.Adjustment));
        Assert.Equal(3200, (await commet.Subscriptions.GetUpcomingInvoiceAsync(sub.Id)).Total);

        var batch = await commet.Usage.TrackBatchAsync([
            new TrackUsageRequest { CustomerId = "met", Feature = "api_calls", Value = 1 },
            new TrackUsageRequest { CustomerId = "met", Feature = "no_such_feature", Value = 1 },
        ]);
        Assert.Equal((1, 1), (batch.Succeeded, batch.Failed));
        Assert.True(batch.Results[0].Success);
        Assert.False(string.IsNullOrEmpty(batch.Results[1].Error!.Code));

        // Renewal on May 4: 2,500 + 1,001 × 20 / 100 = 200.2 → 200 cents overage + 500 add-on = 3,200.
        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { FrozenTime = new DateTimeOffset(2027, 5, 4, 0, 0, 0, TimeSpan.Zero) });
        var run = await commet.TestClock.ProcessBillingAsync();
        var clock = await commet.TestClock.GetAsync();
        Assert.True(run.CustomersFound >= 1);
        Assert.Equal((true, new DateTimeOffset(2027, 5, 4, 0, 0, 0, TimeSpan.Zero)), (clock.IsActive, clock.Now));

        var invoices = await commet.Invoices.ListAsync(new ListInvoicesOptions { SubscriptionId = sub.Id, PageSize = 1 }).ToListAsync();
        var renewal = invoices.Single(i => i.InvoiceType == InvoiceType.Recurring && i.IssueDate == new DateTimeOffset(2027, 5, 4, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal((3200L, InvoiceStatus.Paid), (renewal.Total, renewal.Status));
        var first = invoices.Single(i => i.IssueDate == new DateTimeOffset(2027, 4, 4, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(2500, first.Total);
        var withLines = await commet.Invoices.GetAsync(renewal.Id);
        Assert.Equal(["plan_base", "feature_overage", "addon_base"], withLines.LineItems!.Select(l => l.LineType));
        await using (var pdf = await commet.Invoices.DownloadPdfAsync(renewal.Id))
        {
            var head = new byte[5];
            await pdf.ReadExactlyAsync(head);
            Assert.Equal("%PDF-", Encoding.ASCII.GetString(head));
        }
        Assert.True((await commet.Invoices.SendAsync(renewal.Id)).Sent);

        // Without a card on file, an adjustment stays outstanding until the merchant marks it.
        var noCard = await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = "nocard", Email = "nocard@example.com" });
        var adjustment = await commet.Invoices.CreateAdjustmentAsync(new CreateAdjustmentInvoiceRequest { CustomerId = "nocard", Amount = 1000, Description = "Setup" });
        Assert.Equal((InvoiceType.Adjustment, 1000L, noCard.Id, InvoiceStatus.Outstanding), (adjustment.InvoiceType, adjustment.Total, adjustment.CustomerId, adjustment.Status));
        var voided = await commet.Invoices.UpdateStatusAsync(adjustment.Id, InvoiceStatus.Void);
        Assert.Equal(InvoiceStatus.Void, voided.Status);
        Assert.Equal(adjustment.Id, (await commet.Invoices.ListAsync(new ListInvoicesOptions { Status = InvoiceStatus.Void }).SingleAsync()).Id);
        Assert.Equal(customer.Id, withLines.CustomerId);

        var transactions = await commet.Transactions.ListAsync(new ListTransactionsOptions { Status = TransactionStatus.Succeeded }).ToListAsync();
        var firstCharge = transactions.Single(t => t.InvoiceId == first.Id);
        Assert.Equal((2500L, PaymentProvider.Commet), (firstCharge.GrossAmount!.Value, firstCharge.Provider));
        Assert.Equal(firstCharge.Id, (await commet.Transactions.GetAsync(firstCharge.Id)).Id);
        var refund = await commet.Transactions.RefundAsync(firstCharge.Id);
        Assert.Equal("refunded", refund.Status);
        Assert.Equal(TransactionStatus.Refunded, (await commet.Transactions.GetAsync(firstCharge.Id)).Status);

        var deactivated = await commet.Subscriptions.DeactivateAddonAsync(sub.Id, addon.Id);
        Assert.Equal("inactive", deactivated.Status);
    }

    [Fact]
    public async Task WhoAmI_IsAllowed_AndRetryOfAFailedRenewal()
    {
        var (commet, tenant) = await TenantAsync();
        var me = await commet.ApiKeys.WhoAmIAsync();
        Assert.Equal((tenant.OrganizationId, false), (me.OrganizationId, me.Livemode));
        Assert.False(string.IsNullOrEmpty(me.ServerVersion));

        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { FrozenTime = April1 });
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "sso", Name = "SSO", Type = FeatureType.Boolean });
        await PlanAsync(commet, "basic", 4900);
        await PlanAsync(commet, "enterprise", 9900);
        await commet.Plans.AddFeatureAsync("enterprise", new AddPlanFeatureRequest { FeatureId = "sso", Enabled = true });
        await CustomerWithCardAsync(commet, "rec");
        await CustomerWithCardAsync(commet, "ent");
        var sub = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "rec", PlanCode = "basic" });
        await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "ent", PlanCode = "enterprise" });
        Assert.True(await commet.FeatureAccess.IsAllowedAsync("ent", "sso"));
        Assert.False(await commet.FeatureAccess.IsAllowedAsync("rec", "sso"));

        // A card whose later charges fail: the renewal on May 1 (4,900 cents) fails and the subscription is past due.
        await commet.Sandbox.AddTestCardAsync(new AddTestCardRequest { CustomerId = "rec", CardNumber = "4000000000000341" });
        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { FrozenTime = new DateTimeOffset(2027, 5, 2, 0, 0, 0, TimeSpan.Zero) });
        await commet.TestClock.ProcessBillingAsync();
        Assert.Equal(SubscriptionStatus.PastDue, (await commet.Subscriptions.GetAsync(sub.Id)).Status);
        // Every failed charge (the renewal and any dunning attempt the engine made by May 2) is of the one invoice of 4,900.
        var failures = await commet.Transactions.ListAsync(new ListTransactionsOptions { Status = TransactionStatus.Failed }).ToListAsync();
        Assert.Equal([4900L], failures.Select(t => t.GrossAmount!.Value).Distinct());
        Assert.Single(failures.Select(t => t.InvoiceId).Distinct());
        var failed = failures[0];

        // Retried with the same card: fails again, kept on record.
        var again = await commet.Transactions.RetryAsync(failed.Id);
        Assert.Equal("failed", again.Outcome);
        // A good card, then the retry pays the 4,900 and the subscription is active again.
        await commet.Sandbox.AddTestCardAsync(new AddTestCardRequest { CustomerId = "rec", CardNumber = "4242424242424242" });
        var retried = await commet.Transactions.RetryAsync(failed.Id);
        Assert.Equal(("succeeded", TransactionStatus.Succeeded, 4900L), (retried.Outcome, (await commet.Transactions.GetAsync(retried.Id)).Status,
            (await commet.Transactions.GetAsync(retried.Id)).GrossAmount!.Value));
        Assert.NotEqual(failed.Id, retried.Id);
        Assert.Equal(SubscriptionStatus.Active, (await commet.Subscriptions.GetAsync(sub.Id)).Status);
        var notRetryable = await Assert.ThrowsAsync<CommetApiException>(() => commet.Transactions.RetryAsync(retried.Id));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "transaction_not_retryable"), (notRetryable.Status, notRetryable.Code));
    }

    [Fact]
    public async Task Subscription_PreviewChangeScheduleCancelUncancelReactivate()
    {
        var (commet, tenant) = await TenantAsync();
        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { FrozenTime = April1 });
        var group = await commet.PlanGroups.CreateAsync(new CreatePlanGroupRequest { Name = "Main" });
        var starter = await PlanAsync(commet, "starter", 1000, group.Id);
        var pro = await PlanAsync(commet, "pro", 3000, group.Id);
        await CustomerWithCardAsync(commet, "chg");
        var sub = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "chg", PlanId = starter.Id });
        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { AdvanceDays = 15 });

        // An upgrade charges now and restarts the period. April 16 of April 1 – May 1 (30 days), 15 days unused:
        // credit 1,000 × 15/30 = 500; charge the new month, 3,000; net 2,500. The new period is April 16 – May 16.
        var preview = await commet.Subscriptions.PreviewChangeAsync(sub.Id, new PreviewChangeRequest { PlanId = pro.Id });
        Assert.Equal((500L, 3000L, 2500L, 15, 30, true), (preview.CurrentPlanCredit, preview.NewPlanCharge, preview.EstimatedTotal, preview.DaysRemaining, preview.TotalDays, preview.IsUpgrade));
        var upgrade = await commet.Subscriptions.ChangePlanAsync(sub.Id, new ChangePlanRequest { NewPlanId = pro.Id });
        Assert.Equal((pro.Id, 2500L, false), (upgrade.CurrentPlan!.Id, upgrade.Billing!.TotalCharged, upgrade.Scheduled!.Value));
        var may16 = new DateTimeOffset(2027, 5, 16, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(may16, (await commet.Subscriptions.GetAsync(sub.Id)).CurrentPeriod!.End);

        var downgrade = await commet.Subscriptions.ChangePlanAsync(sub.Id, new ChangePlanRequest { NewPlanId = starter.Id });
        Assert.Equal((true, "subscription.plan_downgrade", may16),
            (downgrade.Scheduled!.Value, downgrade.ChangeType, downgrade.ScheduledFor!.Value));
        Assert.Equal(starter.Id, (await commet.Subscriptions.GetAsync(sub.Id)).ScheduledPlanChange!.NewPlanId);
        var revoked = await commet.Subscriptions.CancelScheduledChangeAsync(sub.Id);
        Assert.Null(revoked.ScheduledPlanChange);

        var scheduled = await commet.Subscriptions.CancelAsync(sub.Id, new CancelSubscriptionRequest { Reason = "too_expensive", Feedback = "We only need it in March." });
        Assert.Equal((SubscriptionStatus.Active, "too_expensive", may16),
            (scheduled.Status, scheduled.CancelReason, scheduled.ScheduledCancellationDate));
        Assert.True((await commet.Subscriptions.GetAsync(sub.Id)).CancelAtPeriodEnd);
        var uncanceled = await commet.Subscriptions.UncancelAsync(sub.Id);
        Assert.Equal(SubscriptionStatus.Active, uncanceled.Status);
        Assert.False((await commet.Subscriptions.GetAsync(sub.Id)).CancelAtPeriodEnd);

        var link = await commet.Subscriptions.UpdatePaymentMethodAsync(sub.Id, "https://merchant.test/done");
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/'), link.CheckoutUrl, StringComparison.Ordinal);
        var notPastDue = await Assert.ThrowsAsync<CommetApiException>(() => commet.Subscriptions.CreateRecoveryLinkAsync(sub.Id));
        Assert.True((int)notPastDue.Status is >= 400 and < 500, notPastDue.Status.ToString());

        var ended = await commet.Subscriptions.CancelAsync(sub.Id, new CancelSubscriptionRequest { Immediate = true });
        Assert.Equal(SubscriptionStatus.Canceled, ended.Status);
        Assert.Null(await commet.Subscriptions.GetActiveAsync("chg"));
        var reactivated = await commet.Subscriptions.ReactivateAsync(sub.Id);
        Assert.Equal(sub.Id, reactivated.Id);
        Assert.Equal(SubscriptionStatus.Active, (await commet.Subscriptions.GetAsync(sub.Id)).Status);
    }

    [Fact]
    public async Task Seats_AddSetRemoveBulkAndBalances()
    {
        var (commet, tenant) = await TenantAsync();
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "members", Name = "Members", Type = FeatureType.Seats });
        await PlanAsync(commet, "team", 4900);
        await commet.Plans.AddFeatureAsync("team", new AddPlanFeatureRequest
        {
            FeatureId = "members", IncludedAmount = 1, Overage = new PlanFeatureOverage { Enabled = true, UnitPrice = 100000 },
        });
        await CustomerWithCardAsync(commet, "sea");
        await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "sea", PlanCode = "team" });

        var added = await commet.Seats.AddAsync("sea", "members", 2);
        var set = await commet.Seats.SetAsync("sea", "members", 4);
        var removed = await commet.Seats.RemoveAsync("sea", "members", 1);
        var balance = await commet.Seats.GetBalanceAsync("sea", "members");
        var bulk = await commet.Seats.SetAllAsync("sea", new Dictionary<string, long> { ["members"] = 5 });
        var all = await commet.Seats.GetAllBalancesAsync("sea");

        Assert.Equal((0L, 2L), (added.PreviousBalance, added.NewBalance));
        Assert.Equal((2L, 4L), (set.PreviousBalance, set.NewBalance));
        Assert.Equal((4L, 3L), (removed.PreviousBalance, removed.NewBalance));
        Assert.Equal((3L, 1L), (balance.Current, balance.Included));
        Assert.Equal((3L, 5L), (Assert.Single(bulk).PreviousBalance, bulk[0].NewBalance));
        Assert.Equal(5, all["members"].Current);
    }

    [Fact]
    public async Task Quota_AddSetRemoveGetAll()
    {
        var (commet, _) = await TenantAsync();
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "projects", Name = "Projects", Type = FeatureType.Quota });
        await PlanAsync(commet, "team", 2900);
        await commet.Plans.AddFeatureAsync("team", new AddPlanFeatureRequest
        {
            FeatureId = "projects", IncludedAmount = 10, Overage = new PlanFeatureOverage { Enabled = true, UnitPrice = 20000 },
        });
        await CustomerWithCardAsync(commet, "quo");
        await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "quo", PlanCode = "team" });

        var added = await commet.Quota.AddAsync("quo", "projects", 8);
        var repeated = await commet.Quota.AddAsync("quo", "projects", 8, idempotencyKey: "add-8");
        var again = await commet.Quota.AddAsync("quo", "projects", 8, idempotencyKey: "add-8");
        var set = await commet.Quota.SetAsync("quo", "projects", 12);
        var removed = await commet.Quota.RemoveAsync("quo", "projects", 3);
        var got = await commet.Quota.GetAsync("quo", "projects");
        var all = await commet.Quota.GetAllAsync("quo");
        var below = await Assert.ThrowsAsync<CommetApiException>(() => commet.Quota.RemoveAsync("quo", "projects", 10));

        Assert.Equal((0L, 8L, "projects"), (added.PreviousBalance, added.NewBalance, added.FeatureCode));
        Assert.Equal((8L, 16L), (repeated.PreviousBalance, repeated.NewBalance));
        // The same idempotency key answers the first change again: still 8 → 16, not 16 → 24.
        Assert.Equal((repeated.Id, 8L, 16L), (again.Id, again.PreviousBalance, again.NewBalance));
        Assert.Equal((16L, 12L), (set.PreviousBalance, set.NewBalance));
        Assert.Equal((12L, 9L), (removed.PreviousBalance, removed.NewBalance));
        // 9 of 10 included: 1 left. The period was raised to 16, so 16 − 10 = 6 units beyond the included ones are billed
        // for it; lowering does not lower that.
        Assert.Equal(("projects", 9L, 10L, (long?)1, 6L, false, true), (got.FeatureCode, got.Current, got.Included, got.Remaining, got.BilledQuantity, got.Unlimited, got.OverageEnabled));
        Assert.NotNull(got.AsOf);
        Assert.Equal([("projects", 9L)], all.Select(q => (q.FeatureCode, q.Current)));
        // 9 − 10 would be below zero.
        Assert.Equal((HttpStatusCode.BadRequest, "insufficient_balance"), (below.Status, below.Code));
    }

    [Fact]
    public async Task Events_QuotaCustomerAndState_ArriveTyped_FromRealChanges()
    {
        var (commet, _) = await TenantAsync();
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "projects", Name = "Projects", Type = FeatureType.Quota });
        await PlanAsync(commet, "team", 2900);
        await commet.Plans.AddFeatureAsync("team", new AddPlanFeatureRequest
        {
            FeatureId = "projects", IncludedAmount = 10, Overage = new PlanFeatureOverage { Enabled = true, UnitPrice = 20000 },
        });
        await using var stream = await commet.Webhooks.ListenAsync();
        var customer = await CustomerWithCardAsync(commet, "quo");
        var subscription = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "quo", PlanCode = "team" });
        // 0 → 8: the 80 % mark of 10 included is ⌈10 × 80 / 100⌉ = 8, reached: quota.threshold_reached.
        await commet.Quota.AddAsync("quo", "projects", 8);
        // 8 → 11: past the 10 included with overage on: quota.exceeded (and the customer's state changes).
        await commet.Quota.AddAsync("quo", "projects", 3);
        await commet.Customers.UpdateAsync("quo", new UpdateCustomerRequest { FullName = "Ada Lovelace" });

        var seen = new List<Commet.Webhooks.WebhookEvent>();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await foreach (var e in stream.ReadAllAsync(limit.Token))
            {
                seen.Add(e);
                if (seen.Any(x => x.Event == "customer.updated") && seen.Any(x => x.Event == "quota.exceeded")
                    && seen.OfType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.CustomerStateChangedData>>().Any(x => x.Data.Trigger == "quota_exceeded"))
                {
                    break;
                }
            }
        }

        var created = Assert.Single(seen.OfType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.CustomerCreatedData>>()).Data;
        Assert.Equal((customer.Id, "quo", "quo@example.com", "Ada quo"), (created.Id, created.ExternalId, created.Email, created.FullName));
        var updated = Assert.Single(seen.OfType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.CustomerUpdatedData>>()).Data;
        Assert.Equal((customer.Id, "Ada Lovelace"), (updated.Id, updated.FullName));
        var threshold = Assert.Single(seen.OfType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.QuotaThresholdReachedData>>()).Data;
        Assert.Equal((subscription.Id, "quo", "projects", 8L, 10L), (threshold.SubscriptionId, threshold.CustomerId, threshold.FeatureCode, threshold.CurrentUsage, threshold.IncludedAmount));
        var exceeded = Assert.Single(seen.OfType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.QuotaExceededData>>()).Data;
        Assert.Equal((subscription.Id, "quo", 11L, 10L, true), (exceeded.SubscriptionId, exceeded.CustomerId, exceeded.CurrentUsage, exceeded.IncludedAmount, exceeded.OverageEnabled));
        Assert.Equal(threshold.PeriodStart, exceeded.PeriodStart);
        var state = seen.OfType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.CustomerStateChangedData>>().Single(x => x.Data.Trigger == "quota_exceeded").Data;
        var projects = Assert.Single(state.Features, f => f.Code == "projects");
        // 11 held, 10 included: 1 unit beyond, billed at 20000 (rate scale, $2.00).
        Assert.Equal(("quo", "team", 11m, 10m, 1m, 20000L), (state.CustomerId, state.Plan!.Name, projects.Current, projects.Included, projects.OverageQuantity, projects.OverageUnitPrice));
        // Every event of the stream is typed: the catalogue has a class for each event the server sends.
        Assert.All(seen, e => Assert.True(e.GetType().IsGenericType, e.Event + " arrived untyped"));
    }

    [Fact]
    public async Task Plans_RegionalPricing_SetByRate_SetByHand_Delete()
    {
        var (commet, _) = await TenantAsync();
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "api_calls", Name = "API calls", Type = FeatureType.Usage });
        var plan = await PlanAsync(commet, "pro", 1900, model: ConsumptionModel.Metered);
        var feature = await commet.Features.GetAsync("api_calls");
        await commet.Plans.AddFeatureAsync("pro", new AddPlanFeatureRequest
        {
            FeatureId = "api_calls", IncludedAmount = 1000, Overage = new PlanFeatureOverage { Enabled = true, UnitPrice = 20 },
        });
        var priceId = Assert.Single(plan.Prices!).Id;

        var byRate = await commet.Plans.SetRegionalPricingAsync("pro", new SetPlanRegionalPricingRequest
        {
            Currency = "brl", ExchangeRate = 5.25m, Features = [new RegionalPlanFeature { FeatureId = feature.Id, OverageUnitPrice = 500 }],
        });
        var priced = await commet.Plans.GetAsync("pro");

        Assert.Equal((plan.Id, "BRL", 5.25m, 1, 1), (byRate.PlanId, byRate.Currency, byRate.ExchangeRate, byRate.PricesConfigured, byRate.FeaturesConfigured));
        // US$19.00 at 5.25 = R$99.75 = 9975 centavos, worked out from the rate.
        Assert.Equal([("BRL", 9975L, true)], priced.Prices![0].RegionalPrices!.Select(r => (r.Currency, r.Price, r.AutoSynced)));
        // The feature's overage was set by hand: kept as sent.
        Assert.Equal([("BRL", (long?)500, false)], priced.Features![0].RegionalPrices!.Select(r => (r.Currency, r.OverageUnitPrice, r.AutoSynced)));
        Assert.Equal([("BRL", 5.25m)], priced.ExchangeRates!.Select(r => (r.Currency, r.ExchangeRate)));

        var byHand = await commet.Plans.SetRegionalPricesAsync("pro", priceId, new SetRegionalPricesRequest
        {
            Overrides = [new RegionalPriceOverride { Currency = "BRL", Price = 9900 }, new RegionalPriceOverride { Currency = "JPY", Price = 2800 }],
        });
        Assert.Equal(priceId, byHand.PriceId);
        Assert.Equal([("BRL", 9900L), ("JPY", 2800L)], byHand.Overrides.Select(o => (o.Currency, o.Price)));

        var deleted = await commet.Plans.DeleteRegionalPricesAsync("pro", priceId);
        Assert.True(deleted.Deleted);
        Assert.Empty((await commet.Plans.GetAsync("pro")).Prices![0].RegionalPrices!);

        var usd = await Assert.ThrowsAsync<CommetApiException>(() => commet.Plans.SetRegionalPricesAsync("pro", priceId, new SetRegionalPricesRequest
        {
            Overrides = [new RegionalPriceOverride { Currency = "USD", Price = 1900 }],
        }));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (usd.Status, usd.Code));
    }

    [Fact]
    public async Task AiModelRates_SetListDelete_AndTokenUsageTakenFromTheBalance()
    {
        var (commet, _) = await TenantAsync();
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "assistant", Name = "Assistant", Type = FeatureType.Usage });
        await PlanAsync(commet, "payg", 1000, model: ConsumptionModel.Balance, includedBalance: 100000);
        var planFeature = await commet.Plans.AddFeatureAsync("payg", new AddPlanFeatureRequest { FeatureId = "assistant", PricingMode = "ai_model", Margin = 2000 });

        var own = await commet.AiModelRates.SetAsync(new SetAiModelRateRequest { Model = "acme/writer-1", InputPerMillion = 30000, OutputPerMillion = 150000 });
        var list = await commet.AiModelRates.ListAsync();

        Assert.Equal(("ai_model", (decimal?)2000), (planFeature.PricingMode, planFeature.Margin));
        // The cache rates default to the input rate.
        Assert.Equal(("acme/writer-1", "USD", 30000m, 150000m, 30000m, 30000m, "organization"),
            (own.Model, own.Currency, own.InputPerMillion, own.OutputPerMillion, own.CacheReadPerMillion, own.CacheWritePerMillion, own.Source));
        Assert.NotNull(own.UpdatedAt);
        Assert.Equal(("acme/writer-1", "organization"), (list.Data[0].Model, list.Data[0].Source));
        Assert.Contains(list.Data, r => r.Source == "builtin");
        Assert.False(string.IsNullOrEmpty(list.BuiltInAsOf));

        await CustomerWithCardAsync(commet, "aic");
        var sub = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "aic", PlanCode = "payg" });
        await commet.Usage.TrackAsync(new TrackUsageRequest
        {
            CustomerId = "aic", Feature = "assistant", Model = "acme/writer-1", InputTokens = 1_000_000, OutputTokens = 100_000,
        });
        var balance = (await commet.Subscriptions.GetAsync(sub.Id)).Balance!;
        // 1,000,000 input × $3.00/M = $3.00, 100,000 output × $15.00/M = $1.50: $4.50 = 45,000 rate scale; + 20 % margin = 54,000.
        // 100,000 included − 54,000 = 46,000.
        Assert.Equal(46000, balance.Remaining);

        var mismatch = await Assert.ThrowsAsync<CommetApiException>(() => commet.Usage.TrackAsync("aic", "assistant", 1));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "pricing_mode_mismatch"), (mismatch.Status, mismatch.Code));

        var removed = await commet.AiModelRates.DeleteAsync("acme/writer-1");
        Assert.Equal(("acme/writer-1", "USD"), (removed.Model, removed.Currency));
        Assert.DoesNotContain((await commet.AiModelRates.ListAsync()).Data, r => r.Model == "acme/writer-1");
    }

    [Fact]
    public async Task Credits_AndBalance_PurchaseAdjustTopup()
    {
        var (commet, tenant) = await TenantAsync();
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "gen", Name = "Generations", Type = FeatureType.Usage });
        await PlanAsync(commet, "credits", 2900, model: ConsumptionModel.Credits, includedCredits: 100);
        await commet.Plans.AddFeatureAsync("credits", new AddPlanFeatureRequest { FeatureId = "gen", CreditsPerUnit = 2 });
        var pack = await commet.CreditPacks.CreateAsync(new CreateCreditPackRequest { Name = "500 credits", Credits = 500, Price = 1500 });
        await CustomerWithCardAsync(commet, "cre");
        var sub = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "cre", PlanCode = "credits" });

        await commet.Usage.TrackAsync("cre", "gen", 10);
        var grant = await commet.Subscriptions.PurchaseCreditsAsync(sub.Id, pack.Id);
        var adjusted = await commet.Subscriptions.AdjustBalanceAsync(sub.Id, new AdjustBalanceRequest { Amount = 5, Reason = "goodwill", Type = "credits" });
        var credits = (await commet.Subscriptions.GetAsync(sub.Id)).Credits!;

        Assert.Equal(500, grant.Credits);
        // The pack's invoice: 1,500 cents for 500 credits.
        var packInvoice = await commet.Invoices.GetAsync(grant.InvoiceId!);
        Assert.Equal((1500L, sub.Id), (packInvoice.Total, packInvoice.SubscriptionId));
        Assert.Equal(5, adjusted.Amount);
        // 100 included − 10 uses × 2 credits = 80, + 500 bought, + 5 given = 585.
        Assert.Equal(585, credits.Remaining);
        Assert.Equal(100, credits.Included);

        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "calls", Name = "Calls", Type = FeatureType.Usage });
        await PlanAsync(commet, "payg", 1000, model: ConsumptionModel.Balance, includedBalance: 50000);
        await commet.Plans.AddFeatureAsync("payg", new AddPlanFeatureRequest { FeatureId = "calls", Overage = new PlanFeatureOverage { Enabled = true, UnitPrice = 100 } });
        await CustomerWithCardAsync(commet, "bal");
        var payg = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "bal", PlanCode = "payg" });
        var topup = await commet.Subscriptions.TopupBalanceAsync(payg.Id, 1000);
        await commet.Usage.TrackAsync("bal", "calls", 3);
        var balance = (await commet.Subscriptions.GetAsync(payg.Id)).Balance!;

        Assert.Equal(1000, topup.Amount);
        Assert.Equal(1000L, (await commet.Invoices.GetAsync(topup.InvoiceId!)).Total);
        // Rate scale: 50,000 included + $10.00 top-up (1,000 cents = 100,000) − 3 calls × 100 = 149,700.
        Assert.Equal(149700, balance.Remaining);
    }

    [Fact]
    public async Task Portal_ApiKeys_AndWebhooks()
    {
        var (commet, _) = await TenantAsync();
        await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = "por", Email = "por@example.com" });

        var url = await commet.Portal.GetUrlAsync("por", "https://merchant.test/account");
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/portal/", url.ToString(), StringComparison.Ordinal);
        var byEmail = await commet.Portal.GetUrlAsync(new PortalUrlRequest { Email = "por@example.com" });
        Assert.NotEqual(url, byEmail);

        var key = await commet.ApiKeys.CreateAsync(new CreateApiKeyRequest { Name = "ci", ExpiresInDays = 30 });
        Assert.StartsWith("ck_test_", key.ApiKey);
        Assert.Contains(key.Id, (await commet.ApiKeys.ListAsync().ToListAsync()).Select(k => k.Id));
        var viaNewKey = new CommetClient(key.ApiKey, new CommetClientOptions { BaseUrl = server.BaseAddress });
        Assert.Equal(["por"], (await viaNewKey.Customers.ListAsync().ToListAsync()).Select(c => c.ExternalId));
        Assert.True((await commet.ApiKeys.DeleteAsync(key.Id)).Deleted);
        var revoked = await Assert.ThrowsAsync<CommetApiException>(() => viaNewKey.Customers.GetAsync("por"));
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (revoked.Status, revoked.Code));

        // Webhook endpoints: the secret is returned once at creation; the rest reads and edits the endpoint.
        var endpoint = await commet.Webhooks.CreateAsync(new CreateWebhookRequest { Url = "https://merchant.test/hooks", Events = ["subscription.canceled"] });
        Assert.StartsWith("whsec_", endpoint.SecretKey);
        Assert.Equal(endpoint.Id, (await commet.Webhooks.GetAsync(endpoint.Id)).Id);
        Assert.Equal("Main", (await commet.Webhooks.UpdateAsync(endpoint.Id, new UpdateWebhookRequest { Description = "Main" })).Description);
        Assert.Contains(endpoint.Id, (await commet.Webhooks.ListAsync().ToListAsync()).Select(w => w.Id));
        Assert.True((await commet.Webhooks.DeleteAsync(endpoint.Id)).Deleted);
    }

    [Fact]
    public async Task ServerAdditions_WebhookDeliveriesRotationTrigger_Emails_PortalSettings_PaymentProvider()
    {
        var (commet, _) = await TenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = () => 500;

        // A failing endpoint: the test delivery is logged as failed with the endpoint's answer, then sent again.
        var endpoint = await commet.Webhooks.CreateAsync(new CreateWebhookRequest { Url = receiver.Url.ToString(), Events = ["customer.created"] });
        var test = await commet.Webhooks.TestAsync(endpoint.Id);
        var deliveries = await commet.Webhooks.ListDeliveriesAsync(endpoint.Id).ToListAsync();
        var failed = await commet.Webhooks.ListDeliveriesAsync(endpoint.Id, new ListWebhookDeliveriesOptions { Status = "failed" }).SingleAsync();
        receiver.Answer = () => 200;
        var again = await commet.Webhooks.RedeliverAsync(endpoint.Id, failed.Id);

        Assert.False(test.Success);
        Assert.Equal(500, test.StatusCode);
        Assert.Equal(test.DeliveryId, deliveries.Single().Id);
        Assert.Equal((endpoint.Id, "webhook.test", 1, 500), (failed.WebhookId, failed.Event, failed.Attempts, failed.LastStatusCode));
        Assert.Equal((failed.Id, "pending", 0), (again.Id, again.Status, again.Attempts));

        // A new secret, shown once; the old one keeps signing for the overlap asked for.
        var rotated = await commet.Webhooks.RotateSecretAsync(endpoint.Id, new RotateWebhookSecretRequest { OverlapHours = 2 });
        Assert.StartsWith("whsec_", rotated.SecretKey);
        Assert.NotEqual(endpoint.SecretKey, rotated.SecretKey);
        Assert.NotNull(rotated.PreviousSecretExpiresAt);
        Assert.NotNull((await commet.Webhooks.GetAsync(endpoint.Id)).PreviousSecretExpiresAt);

        // A sample event (sandbox only).
        var triggered = await commet.Webhooks.TriggerAsync("subscription.canceled");
        Assert.Equal("subscription.canceled", triggered.Event);
        Assert.False(string.IsNullOrEmpty(triggered.Id));
        var unknown = await Assert.ThrowsAsync<CommetApiException>(() => commet.Webhooks.TriggerAsync("subscription.exploded"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.Status);

        // Emails: sending an invoice always queues one, which the outbox lists (without its body).
        await PlanAsync(commet, "mail", 1500);
        await CustomerWithCardAsync(commet, "mel");
        var sub = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "mel", PlanCode = "mail" });
        var invoice = await commet.Invoices.ListAsync(new ListInvoicesOptions { SubscriptionId = sub.Id }).FirstAsync();
        Assert.True((await commet.Invoices.SendAsync(invoice.Id)).Sent);
        var email = await commet.Emails.ListAsync(new ListEmailsOptions { CustomerId = "mel", Kind = "invoice" }).SingleAsync();
        Assert.Equal((invoice.Id, sub.Id), (email.InvoiceId, email.SubscriptionId));
        Assert.Equal(email.Id, (await commet.Emails.GetAsync(email.Id)).Id);

        // Portal settings: defaults filled in; a change is kept and the rest stays.
        var before = await commet.Portal.GetSettingsAsync();
        var after = await commet.Portal.UpdateSettingsAsync(new UpdatePortalSettingsRequest
        {
            DisplayName = "Acme Billing", Sections = new PortalSections { Cancel = false }, Emails = new PortalEmails { Receipts = false },
        });
        Assert.Equal(("Acme Billing", false, false), (after.DisplayName, after.Sections.Cancel, after.Emails.Receipts));
        Assert.Equal((before.AccentColor, before.Sections.Invoices, before.Currency), (after.AccentColor, after.Sections.Invoices, after.Currency));
        Assert.Contains("en", after.Locales);
        Assert.Equal("Acme Billing", (await commet.Portal.GetSettingsAsync()).DisplayName);

        // The payment provider: the built-in sandbox one until a Stripe account is connected (connecting calls Stripe, so not here).
        var provider = await commet.PaymentProvider.GetAsync();
        Assert.False(provider.Livemode);
        Assert.False(string.IsNullOrEmpty(provider.Provider));
        var badKey = await Assert.ThrowsAsync<CommetApiException>(() => commet.PaymentProvider.ConnectAsync(new ConnectPaymentProviderRequest { SecretKey = "nope", WebhookSecret = "whsec_x" }));
        Assert.Contains(badKey.FieldErrors, f => f.Field == "secretKey");
    }

    [Fact]
    public async Task PromoCodes_CreateGetListUpdate_RedeemedAtCreation_RefusedWhenUsedUp_AndInAnUpgradePreview()
    {
        var (commet, _) = await TenantAsync();
        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { FrozenTime = April1 });
        var group = await commet.PlanGroups.CreateAsync(new CreatePlanGroupRequest { Name = "Main" });
        await PlanAsync(commet, "starter", 2900, group.Id);
        var pro = await PlanAsync(commet, "pro", 9900, group.Id);
        var expiry = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var save = await commet.PromoCodes.CreateAsync(new CreatePromoCodeRequest
        {
            Code = "save20", DiscountType = DiscountType.Percentage, DiscountValue = 2000, DurationCycles = 3,
            BillingInterval = BillingInterval.Monthly, MaxRedemptions = 1, ExpiresAt = expiry,
        });
        var half = await commet.PromoCodes.CreateAsync(new CreatePromoCodeRequest
        {
            Code = "HALF", DiscountType = DiscountType.Percentage, DiscountValue = 5000, DurationCycles = 1, PlanIds = ["pro"],
        });
        Assert.StartsWith("promo_", save.Id);
        Assert.Equal(("SAVE20", DiscountType.Percentage, 2000L, (int?)3, (BillingInterval?)BillingInterval.Monthly), (save.Code, save.DiscountType, save.DiscountValue, save.DurationCycles, save.BillingInterval));
        Assert.Equal(((int?)1, (DateTimeOffset?)expiry, true, 0, false), (save.MaxRedemptions, save.ExpiresAt, save.IsActive, save.RedemptionCount, save.Livemode));
        Assert.Equal([pro.Id], half.PlanIds!);
        Assert.Equal(save.Id, (await commet.PromoCodes.GetAsync(save.Id)).Id);
        Assert.Equal(save.Id, (await commet.PromoCodes.GetAsync("Save20")).Id);
        var listed = await commet.PromoCodes.ListAsync(new ListOptions { PageSize = 1 }).ToListAsync();
        Assert.Equal(new[] { save.Id, half.Id }.Order(), listed.Select(p => p.Id).Order());
        var missing = await Assert.ThrowsAsync<CommetApiException>(() => commet.PromoCodes.GetAsync("NOPE"));
        Assert.Equal((HttpStatusCode.NotFound, "promo_code_not_found"), (missing.Status, missing.Code));

        // Redeemed at creation: $29.00 − 20 % ($5.80) = $23.20 on the first invoice.
        await CustomerWithCardAsync(commet, "pc");
        var sub = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "pc", PlanCode = "starter", PromoCode = "save20" });
        Assert.Equal((DiscountType.Percentage, 2000L, "SAVE20"), (sub.Discount!.Type, sub.Discount.Value, sub.Discount.Name));
        var first = await commet.Invoices.ListAsync(new ListInvoicesOptions { SubscriptionId = sub.Id }).SingleAsync();
        Assert.Equal((2900L, 580L, 2320L, InvoiceStatus.Paid), (first.Subtotal, first.DiscountAmount, first.Total, first.Status));
        Assert.Equal(1, (await commet.PromoCodes.GetAsync(save.Id)).RedemptionCount);

        // Used up (one redemption allowed), then allowed again once the limit is raised; inactive, it is refused.
        await CustomerWithCardAsync(commet, "pd");
        var usedUp = await Assert.ThrowsAsync<CommetApiException>(() =>
            commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "pd", PlanCode = "starter", PromoCode = "SAVE20" }));
        Assert.Equal((HttpStatusCode.BadRequest, "promo_code_max_redemptions_reached", "promoCode"), (usedUp.Status, usedUp.Code, usedUp.Param));
        var updated = await commet.PromoCodes.UpdateAsync(save.Id, new UpdatePromoCodeRequest { MaxRedemptions = 5, ClearExpiresAt = true, ClearBillingInterval = true });
        Assert.Equal(((int?)5, (DateTimeOffset?)null, (BillingInterval?)null, true), (updated.MaxRedemptions, updated.ExpiresAt, updated.BillingInterval, updated.IsActive));
        var unlimited = await commet.PromoCodes.UpdateAsync("save20", new UpdatePromoCodeRequest { ClearMaxRedemptions = true });
        Assert.Equal(((int?)null, (int?)3), (unlimited.MaxRedemptions, unlimited.DurationCycles));
        var off = await commet.PromoCodes.DeactivateAsync(save.Id);
        Assert.False(off.IsActive);
        var inactive = await Assert.ThrowsAsync<CommetApiException>(() =>
            commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "pd", PlanCode = "starter", PromoCode = "SAVE20" }));
        Assert.Equal("promo_code_inactive", inactive.Code);
        var belowUsed = await Assert.ThrowsAsync<CommetApiException>(() => commet.PromoCodes.UpdateAsync(save.Id, new UpdatePromoCodeRequest { MaxRedemptions = 0 }));
        Assert.Contains(belowUsed.FieldErrors, f => f.Field == "maxRedemptions");

        // An upgrade on April 11 with HALF (50 %, once): $99.00 − round($29.00 × 20 / 30) = 9900 − 1933 = 7967;
        // 50 % = 3983.5 → 3984 off (half away from zero); 7967 − 3984 = 3983 to pay. The preview redeems nothing.
        var up = await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "pd", PlanCode = "starter" });
        await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { FrozenTime = new DateTimeOffset(2027, 4, 11, 0, 0, 0, TimeSpan.Zero) });
        var preview = await commet.Subscriptions.PreviewChangeAsync(up.Id, new PreviewChangeRequest { PlanId = "pro", PromoCode = "half" });
        Assert.Equal((1933L, 9900L, 3984L, 3983L), (preview.CurrentPlanCredit, preview.NewPlanCharge, preview.DiscountAmount, preview.EstimatedTotal));
        Assert.Equal(0, (await commet.PromoCodes.GetAsync(half.Id)).RedemptionCount);
        await commet.Subscriptions.ChangePlanAsync(up.Id, new ChangePlanRequest { NewPlanId = "pro", PromoCode = "HALF" });
        var change = await commet.Invoices.ListAsync(new ListInvoicesOptions { SubscriptionId = up.Id }).SingleAsync(i => i.InvoiceType == InvoiceType.PlanChange);
        Assert.Equal((7967L, 3984L, 3983L, InvoiceStatus.Paid), (change.Subtotal, change.DiscountAmount, change.Total, change.Status));
        Assert.Equal(1, (await commet.PromoCodes.GetAsync(half.Id)).RedemptionCount);
    }

    [Fact]
    public async Task Payments_LinkCreateGetListCancel_ChargeTheSavedCard_AndRefusals()
    {
        var (commet, _) = await TenantAsync();
        await PlanAsync(commet, "basic", 1900);
        await CustomerWithCardAsync(commet, "buyer");
        await using var events = await commet.Webhooks.ListenAsync();

        // 2 workshop seats at $75.00 = 2 × 7500 = 15000 cents.
        var link = await commet.Payments.CreateAsync(new CreatePaymentRequest
        {
            CustomerId = "buyer", Amount = 15000, Currency = "usd", Description = "Workshop, 2 seats", SuccessUrl = "https://shop.example/done",
            Metadata = new Dictionary<string, string> { ["order"] = "W-2" },
        });
        Assert.StartsWith("pay_", link.Id);
        Assert.Equal((PaymentKind.Link, PaymentStatus.Pending, PaymentProvider.Commet, "buyer"), (link.Kind, link.Status, link.Provider, link.CustomerId));
        Assert.Equal((15000L, 0L, 15000L, "USD", "Workshop, 2 seats"), (link.AmountSubtotal, link.TaxAmount, link.AmountTotal, link.Currency, link.Description));
        Assert.Equal("W-2", link.Metadata!["order"]!.GetValue<string>());
        Assert.Contains("/pay/", link.Url!);
        Assert.NotNull(link.ExpiresAt);
        // The page's address is signed afresh on each read, so only its form is compared.
        var got = await commet.Payments.GetAsync(link.Id);
        Assert.Equal((link.Id, PaymentStatus.Pending), (got.Id, got.Status));
        Assert.Contains("/pay/", got.Url!);

        // A charge needs a subscription: refused before, made after.
        var noSub = await Assert.ThrowsAsync<CommetApiException>(() =>
            commet.Payments.ChargeAsync(new ChargePaymentRequest { CustomerId = "buyer", Amount = 2500, Currency = "USD", Description = "Extra reports" }));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "subscription_required"), (noSub.Status, noSub.Code));
        await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "buyer", PlanCode = "basic" });
        var charge = await commet.Payments.ChargeAsync(new ChargePaymentRequest { CustomerId = "buyer", Amount = 2500, Currency = "USD", Description = "Extra reports" });
        Assert.Equal((PaymentKind.Charge, PaymentStatus.Succeeded, 2500L, (string?)null), (charge.Kind, charge.Status, charge.AmountTotal, charge.Url));
        var oneTime = await commet.Invoices.ListAsync(new ListInvoicesOptions { CustomerId = "buyer" }).SingleAsync(i => i.InvoiceType == InvoiceType.OneTimePayment);
        Assert.Equal((2500L, InvoiceStatus.Paid), (oneTime.Total, oneTime.Status));

        var mine = await commet.Payments.ListAsync(new ListPaymentsOptions { CustomerId = "buyer", PageSize = 1 }).ToListAsync();
        Assert.Equal(new[] { link.Id, charge.Id }.Order(), mine.Select(p => p.Id).Order());
        Assert.Empty(await commet.Payments.ListAsync(new ListPaymentsOptions { CustomerId = "nobody" }).ToListAsync());

        var canceled = await commet.Payments.CancelAsync(link.Id);
        Assert.Equal((PaymentStatus.Canceled, (string?)null), (canceled.Status, canceled.Url));
        Assert.Equal(PaymentStatus.Canceled, (await commet.Payments.CancelAsync(link.Id)).Status);
        var notCancelable = await Assert.ThrowsAsync<CommetApiException>(() => commet.Payments.CancelAsync(charge.Id));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "payment_not_cancelable"), (notCancelable.Status, notCancelable.Code));
        // The link's events, typed: created, then canceled.
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            var linkEvents = await events.ReadAllAsync(limit.Token).Where(e => e.Event.StartsWith("payment_link.", StringComparison.Ordinal)).Take(2).ToListAsync(limit.Token);
            var created = Assert.Single(linkEvents.OfType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.PaymentLinkCreatedData>>()).Data;
            var canceledEvent = Assert.Single(linkEvents.OfType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.PaymentLinkCanceledData>>()).Data;
            Assert.Equal((link.Id, "pending", 15000L, "USD", "buyer"), (created.PaymentId, created.Status, created.Amount, created.Currency, created.CustomerId));
            Assert.Equal((link.Id, "canceled", "Workshop, 2 seats"), (canceledEvent.PaymentId, canceledEvent.Status, canceledEvent.Description));
        }
        var missing = await Assert.ThrowsAsync<CommetApiException>(() => commet.Payments.GetAsync("pay_missing"));
        Assert.Equal((HttpStatusCode.NotFound, "payment_not_found"), (missing.Status, missing.Code));
        var invalid = await Assert.ThrowsAsync<CommetApiException>(() =>
            commet.Payments.CreateAsync(new CreatePaymentRequest { CustomerId = "buyer", Amount = 0, Currency = "", Description = "" }));
        Assert.Equal(["amount", "currency", "description"], invalid.FieldErrors.Select(f => f.Field).Distinct().Order());
    }

    [Fact]
    public async Task ServerAdditions_CustomerEmailFilter_PortalLogo_WebhookListen()
    {
        var (commet, _) = await TenantAsync();

        // The event stream: once open, an event recorded afterwards comes through as its envelope.
        await using (var stream = await commet.Webhooks.ListenAsync())
        {
            var triggered = await commet.Webhooks.TriggerAsync("subscription.canceled");
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var received = await stream.ReadAllAsync(limit.Token).FirstAsync(e => e.Id == triggered.Id, limit.Token);
            Assert.Equal(("subscription.canceled", "sandbox"), (received.Event, received.Mode));
            Assert.IsType<Commet.Webhooks.WebhookEvent<Commet.Webhooks.SubscriptionCanceledData>>(received);
        }
        var live = new CommetClient(ServerFixture.LiveKey, new CommetClientOptions { BaseUrl = server.BaseAddress });
        var sandboxOnly = await Assert.ThrowsAsync<CommetApiException>(() => live.Webhooks.ListenAsync());
        Assert.Equal(HttpStatusCode.Forbidden, sandboxOnly.Status);

        await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = "ann", Email = "ann@example.com" });
        await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = "bob", Email = "bob@example.com" });
        Assert.Equal(["bob"], (await commet.Customers.ListAsync(new ListCustomersOptions { Email = "bob@example.com" }).ToListAsync()).Select(c => c.ExternalId));

        // The logo goes up as the raw image; the server serves it at the answer's logoUrl until it is removed.
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52];
        var withLogo = await commet.Portal.UploadLogoAsync(png, "image/png");
        Assert.Contains("/logos/", withLogo.LogoUrl!);
        using (var http = new HttpClient())
        {
            var served = await http.GetAsync(withLogo.LogoUrl);
            Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
            Assert.Equal(png, await served.Content.ReadAsByteArrayAsync());
        }
        var notAnImage = await Assert.ThrowsAsync<CommetApiException>(() => commet.Portal.UploadLogoAsync("not a png"u8.ToArray(), "image/png"));
        Assert.Contains(notAnImage.FieldErrors, f => f.Field == "logo");
        var without = await commet.Portal.DeleteLogoAsync();
        Assert.NotEqual(withLogo.LogoUrl, without.LogoUrl);
    }
}

public sealed class SqliteServerTests(SqliteServer server) : ServerTests<SqliteServer>(server);

public sealed class PostgresServerTests(PostgresServer server) : ServerTests<PostgresServer>(server);
