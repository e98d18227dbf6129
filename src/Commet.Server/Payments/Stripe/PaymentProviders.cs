using System.Collections.Concurrent;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Payments;

/// <summary>A Stripe account connected to an organization in one mode, with a Stripe.net client for it.</summary>
public sealed record StripeConnection(string OrganizationId, bool Livemode, string AccountId, string KeyLast4, string WebhookSecret,
    StripePaymentProvider Provider, bool FromOperatorSettings);

/// <summary>
/// Which payment provider an organization uses in a mode: its connected Stripe account if it has one (stored through
/// <c>PUT /api/v1/payment-provider</c>, or the operator's <c>Commet:Stripe</c> keys for the default organization), else the
/// built-in sandbox provider in sandbox mode, else none (live mode refuses charges with <c>payment_provider_not_configured</c>).
/// Connections are cached per node for a short while, so the billing engine does not read and decrypt them per charge.
/// </summary>
public sealed class PaymentProviders(IDataProtectionProvider protection, IOptions<StripeOptions> options, SandboxPaymentProvider sandbox,
    StripeClients clients, ILogger<PaymentProviders> logger)
{
    public const string Stripe = "stripe";
    public const string NotConfiguredCode = "payment_provider_not_configured";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly IDataProtector protector = protection.CreateProtector("Commet.PaymentProviders.v1");
    private readonly ConcurrentDictionary<(string, bool), (StripeConnection? Connection, DateTime Until)> cache = new();

    public SandboxPaymentProvider Sandbox => sandbox;

    public static Error NotConfigured(bool livemode) => Error.Conflict(NotConfiguredCode, livemode
        ? "No payment provider is connected for live mode. Connect a Stripe account with PUT /api/v1/payment-provider first."
        : "No payment provider is connected for this mode.");

    /// <summary>The Stripe account of the organization in the mode, or null.</summary>
    public async Task<StripeConnection?> StripeForAsync(CommetDb db, string organizationId, bool livemode, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        if (cache.TryGetValue((organizationId, livemode), out var hit) && hit.Until > now)
        {
            return hit.Connection;
        }
        var row = await db.PaymentProviderAccounts.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(a => a.OrganizationId == organizationId && a.Livemode == livemode && a.Provider == Stripe, ct);
        StripeConnection? connection = null;
        if (row is not null)
        {
            connection = new StripeConnection(organizationId, livemode, row.AccountId, row.KeyLast4, protector.Unprotect(row.WebhookSecretProtected),
                new StripePaymentProvider(clients.For(protector.Unprotect(row.SecretKeyProtected))), false);
        }
        else if (organizationId == Organization.DefaultId && options.Value.SecretKey is { Length: > 0 } key && KeyMode(key) == livemode)
        {
            connection = new StripeConnection(organizationId, livemode, "", key[^4..], options.Value.WebhookSecret ?? "",
                new StripePaymentProvider(clients.For(key)), true);
        }
        cache[(organizationId, livemode)] = (connection, now + CacheFor);
        return connection;
    }

    /// <summary>The provider new cards and first payments of the tenant go through (null: live mode with nothing connected).</summary>
    public async Task<IPaymentProvider?> ForTenantAsync(CommetDb db, Tenant tenant, CancellationToken ct) =>
        (IPaymentProvider?)(await StripeForAsync(db, tenant.OrganizationId, tenant.Livemode, ct))?.Provider ?? (tenant.Livemode ? null : sandbox);

    /// <summary>The provider that can charge a saved card: the one that saved it.</summary>
    public async Task<IPaymentProvider?> ForMethodAsync(CommetDb db, Tenant tenant, PaymentMethod method, CancellationToken ct) =>
        method.Provider == Stripe ? (await StripeForAsync(db, tenant.OrganizationId, tenant.Livemode, ct))?.Provider
            : tenant.Livemode ? null : sandbox;

    /// <summary>The provider of a past transaction (for a refund).</summary>
    public async Task<IPaymentProvider?> ForTransactionAsync(CommetDb db, PaymentTransaction transaction, CancellationToken ct) =>
        transaction.Provider == Stripe ? (await StripeForAsync(db, transaction.OrganizationId, transaction.Livemode, ct))?.Provider
            : transaction.Livemode ? null : sandbox;

    /// <summary>True for a live key (<c>sk_live_</c> or <c>rk_live_</c>), false for a test key, null for something else.</summary>
    public static bool? KeyMode(string key) =>
        key.StartsWith("sk_live_", StringComparison.Ordinal) || key.StartsWith("rk_live_", StringComparison.Ordinal) ? true
        : key.StartsWith("sk_test_", StringComparison.Ordinal) || key.StartsWith("rk_test_", StringComparison.Ordinal) ? false
        : null;

    /// <summary>
    /// Checks the key against Stripe (it must name an account), then stores it and the webhook secret encrypted for the
    /// tenant. The key is never logged; a refusal says only what Stripe's answer was about.
    /// </summary>
    public async Task<Result<PaymentProviderAccount>> ConnectAsync(CommetDb db, Tenant tenant, string secretKey, string webhookSecret, DateTime now,
        CancellationToken ct)
    {
        string accountId;
        try
        {
            // GET /v1/account: the account the key belongs to (AccountService.Get with no ID asks for /v1/accounts/ instead).
            var account = await clients.For(secretKey).RequestAsync<global::Stripe.Account>(HttpMethod.Get, "/v1/account", null, null, ct);
            accountId = account.Id;
        }
        catch (global::Stripe.StripeException ex) when (ex.HttpStatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            return Error.Invalid("invalid_secret_key", "Stripe did not accept this secret key.", "secretKey");
        }
        catch (Exception ex) when (ex is global::Stripe.StripeException or HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("Checking a Stripe key for {OrganizationId} failed: {Kind}", tenant.OrganizationId, ex.GetType().Name);
            return new Error("payment_provider_unavailable", "Stripe could not be reached to check the key. Try again in a moment.", 503, "api_error");
        }
        var row = await db.PaymentProviderAccounts.FirstOrDefaultAsync(a => a.OrganizationId == tenant.OrganizationId && a.Livemode == tenant.Livemode, ct);
        if (row is null)
        {
            row = new PaymentProviderAccount
            {
                Id = Ids.New("ppa"),
                OrganizationId = tenant.OrganizationId,
                Livemode = tenant.Livemode,
                Provider = Stripe,
                SecretKeyProtected = "",
                WebhookSecretProtected = "",
                KeyLast4 = "",
                AccountId = "",
                CreatedAt = now,
            };
            db.PaymentProviderAccounts.Add(row);
        }
        else if (row.AccountId != accountId)
        {
            // Another Stripe account: the customers' Stripe IDs and the cards saved on the old account belong to it and cannot
            // be charged through the new one. The IDs are cleared (new Stripe customers are made on first need) and those cards
            // are detached, so the next charge fails as no_payment_method and its recovery link collects a card on the new
            // account, instead of sending the old account's card IDs to the new one (docs/payments.md).
            await db.Customers.IgnoreQueryFilters()
                .Where(c => c.OrganizationId == tenant.OrganizationId && c.Livemode == tenant.Livemode && c.StripeCustomerId != null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.StripeCustomerId, (string?)null), ct);
            await db.PaymentMethods.IgnoreQueryFilters()
                .Where(m => m.OrganizationId == tenant.OrganizationId && m.Livemode == tenant.Livemode && m.Provider == Stripe && m.DetachedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.DetachedAt, now).SetProperty(m => m.IsDefault, false), ct);
            logger.LogInformation("{OrganizationId} connected another Stripe account; cards saved on the previous one were detached", tenant.OrganizationId);
        }
        row.Provider = Stripe;
        row.SecretKeyProtected = protector.Protect(secretKey);
        row.WebhookSecretProtected = protector.Protect(webhookSecret);
        row.KeyLast4 = secretKey[^4..];
        row.AccountId = accountId;
        row.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        Forget(tenant.OrganizationId, tenant.Livemode);
        return row;
    }

    /// <summary>The Stripe account an operator-configured key belongs to (asked once; null when Stripe cannot say).</summary>
    public async Task<string?> OperatorAccountIdAsync(CancellationToken ct)
    {
        if (operatorAccountId is not null || options.Value.SecretKey is not { Length: > 0 } key)
        {
            return operatorAccountId;
        }
        try
        {
            var account = await clients.For(key).RequestAsync<global::Stripe.Account>(HttpMethod.Get, "/v1/account", null, null, ct);
            return operatorAccountId = account.Id;
        }
        catch (Exception ex) when (ex is global::Stripe.StripeException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("The operator's Stripe key could not be checked: {Kind}", ex.GetType().Name);
            return null;
        }
    }

    private string? operatorAccountId;

    public void Forget(string organizationId, bool livemode) => cache.TryRemove((organizationId, livemode), out _);
}

/// <summary>Stripe.net clients, one per secret key, all pointed at <see cref="StripeOptions.ApiBase"/> when it is set.</summary>
public sealed class StripeClients(IOptions<StripeOptions> options)
{
    private readonly ConcurrentDictionary<string, global::Stripe.IStripeClient> clients = new(StringComparer.Ordinal);

    public global::Stripe.IStripeClient For(string secretKey) => clients.GetOrAdd(secretKey, key =>
    {
        var o = options.Value;
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds) };
        return new global::Stripe.StripeClient(key, httpClient: new global::Stripe.SystemNetHttpClient(http, o.MaxNetworkRetries),
            apiBase: string.IsNullOrEmpty(o.ApiBase) ? null : o.ApiBase.TrimEnd('/'));
    });
}
