using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Commet.AspNetCore;

/// <summary>Finds the Commet customer of the current request's user.</summary>
public interface ICommetCustomerResolver
{
    /// <summary>The customer ID (Commet's or yours) of the signed-in user, or null when nobody is signed in.</summary>
    /// <param name="context">The request.</param>
    ValueTask<string?> ResolveAsync(HttpContext context);
}

/// <summary>The customer is the signed-in user's ID claim (<see cref="ClaimTypes.NameIdentifier"/> by default).</summary>
public sealed class ClaimCustomerResolver(IOptions<CommetIdentityOptions> options) : ICommetCustomerResolver
{
    /// <inheritdoc/>
    public ValueTask<string?> ResolveAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        return ValueTask.FromResult(user.Identity?.IsAuthenticated == true ? user.FindFirst(options.Value.UserIdClaimType)?.Value : null);
    }
}

/// <summary>Settings of the ASP.NET Core Identity integration.</summary>
public sealed class CommetIdentityOptions
{
    /// <summary>Create the Commet customer (ID = the user's ID, the user's email) when a user registers. Default true.</summary>
    public bool CreateCustomerOnRegistration { get; set; } = true;

    /// <summary>Copy a changed email to the customer. Default true.</summary>
    public bool SyncEmail { get; set; } = true;

    /// <summary>
    /// Refuse the registration when the customer cannot be created. Default false: the user is registered, the
    /// failure is logged, and the customer is made again the next time it is needed (a later registration step or the
    /// portal link shows the error).
    /// </summary>
    public bool FailRegistrationWhenCommetFails { get; set; }

    /// <summary>The claim that carries the user's ID. Default <see cref="ClaimTypes.NameIdentifier"/>, as Identity issues it.</summary>
    public string UserIdClaimType { get; set; } = ClaimTypes.NameIdentifier;
}

/// <summary>
/// A <see cref="UserManager{TUser}"/> that keeps a Commet customer beside each user: created on registration with the
/// user's ID as the customer's own ID, and given the new email when it changes.
/// </summary>
/// <typeparam name="TUser">The user type.</typeparam>
public class CommetUserManager<TUser> : UserManager<TUser>
    where TUser : class
{
    private readonly CommetClient commet;
    private readonly CommetIdentityOptions settings;

    /// <summary>Made by dependency injection.</summary>
    /// <param name="store">The user store.</param>
    /// <param name="optionsAccessor">Identity's options.</param>
    /// <param name="passwordHasher">The password hasher.</param>
    /// <param name="userValidators">User validators.</param>
    /// <param name="passwordValidators">Password validators.</param>
    /// <param name="keyNormalizer">The key normalizer.</param>
    /// <param name="errors">Error descriptions.</param>
    /// <param name="services">The services.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="commet">The Commet client.</param>
    /// <param name="settings">The integration's settings.</param>
    public CommetUserManager(IUserStore<TUser> store, IOptions<IdentityOptions> optionsAccessor, IPasswordHasher<TUser> passwordHasher,
        IEnumerable<IUserValidator<TUser>> userValidators, IEnumerable<IPasswordValidator<TUser>> passwordValidators, ILookupNormalizer keyNormalizer,
        IdentityErrorDescriber errors, IServiceProvider services, ILogger<UserManager<TUser>> logger, CommetClient commet, IOptions<CommetIdentityOptions> settings)
        : base(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.commet = commet;
        this.settings = settings.Value;
    }

    /// <inheritdoc/>
    public override async Task<IdentityResult> CreateAsync(TUser user)
    {
        var result = await base.CreateAsync(user).ConfigureAwait(false);
        if (!result.Succeeded || !settings.CreateCustomerOnRegistration)
        {
            return result;
        }
        var id = await GetUserIdAsync(user).ConfigureAwait(false);
        var email = await GetEmailAsync(user).ConfigureAwait(false);
        if (string.IsNullOrEmpty(email))
        {
            return result;
        }
        try
        {
            // Creating with our own ID is idempotent on the server: a second call answers the existing customer.
            await commet.Customers.CreateAsync(new Models.CreateCustomerRequest { Id = id, Email = email, FullName = await GetUserNameAsync(user).ConfigureAwait(false) },
                CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CommetApiException or HttpRequestException or TimeoutException)
        {
            Logger.LogWarning(ex, "Commet: the customer for user {UserId} could not be created.", id);
            if (settings.FailRegistrationWhenCommetFails)
            {
                await base.DeleteAsync(user).ConfigureAwait(false);
                return IdentityResult.Failed(new IdentityError { Code = "CommetCustomer", Description = "Billing is unavailable; try again in a moment." });
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public override async Task<IdentityResult> SetEmailAsync(TUser user, string? email)
    {
        var result = await base.SetEmailAsync(user, email).ConfigureAwait(false);
        await SyncEmailAsync(user, result).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    public override async Task<IdentityResult> ChangeEmailAsync(TUser user, string newEmail, string token)
    {
        var result = await base.ChangeEmailAsync(user, newEmail, token).ConfigureAwait(false);
        await SyncEmailAsync(user, result).ConfigureAwait(false);
        return result;
    }

    private async Task SyncEmailAsync(TUser user, IdentityResult result)
    {
        if (!result.Succeeded || !settings.SyncEmail)
        {
            return;
        }
        var id = await GetUserIdAsync(user).ConfigureAwait(false);
        var email = await GetEmailAsync(user).ConfigureAwait(false);
        if (string.IsNullOrEmpty(email))
        {
            return;
        }
        try
        {
            await commet.Customers.UpdateAsync(id, new Models.UpdateCustomerRequest { Email = email }, CancellationToken).ConfigureAwait(false);
        }
        catch (CommetApiException ex) when (ex.Status == System.Net.HttpStatusCode.NotFound)
        {
            await commet.Customers.CreateAsync(new Models.CreateCustomerRequest { Id = id, Email = email }, CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CommetApiException or HttpRequestException or TimeoutException)
        {
            Logger.LogWarning(ex, "Commet: the email of customer {UserId} could not be updated.", id);
        }
    }
}

/// <summary>Registers the ASP.NET Core Identity integration.</summary>
public static class CommetIdentityServiceCollectionExtensions
{
    /// <summary>
    /// Keeps a Commet customer beside each Identity user (<see cref="CommetUserManager{TUser}"/>), and makes the signed-in
    /// user's ID the customer for <c>MapCommetCustomerPortal</c>, <c>RequireFeature</c> and usage tracking. Call after
    /// <c>AddIdentity</c>/<c>AddDefaultIdentity</c> and <c>AddCommetClient</c>.
    /// </summary>
    /// <typeparam name="TUser">The user type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the settings.</param>
    public static IServiceCollection AddCommetIdentity<TUser>(this IServiceCollection services, Action<CommetIdentityOptions>? configure = null)
        where TUser : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CommetIdentityOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }
        services.RemoveAll<UserManager<TUser>>();
        services.AddScoped<CommetUserManager<TUser>>();
        services.AddScoped<UserManager<TUser>>(sp => sp.GetRequiredService<CommetUserManager<TUser>>());
        services.AddCommetFeatureChecks();
        services.Replace(ServiceDescriptor.Singleton<ICommetCustomerResolver, ClaimCustomerResolver>());
        return services;
    }
}
