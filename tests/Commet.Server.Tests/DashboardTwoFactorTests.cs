using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>
/// Two-factor sign-in on the dashboard with an authenticator app: the account page's key, a code worked out here by
/// RFC 6238 (HMAC-SHA1, 30-second steps, 6 digits) turns it on and shows ten recovery codes once; signing in then asks
/// for a code, refuses a wrong one, takes the right one, and takes a recovery code once only. Both databases.
/// </summary>
public abstract class DashboardTwoFactorTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var bytes = new List<byte>();
        foreach (var c in text.ToUpperInvariant())
        {
            value = (value << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }
        return bytes.ToArray();
    }

    /// <summary>RFC 6238: HMAC-SHA1 of the 30-second step number, dynamically truncated to 6 digits.</summary>
    private static string Totp(byte[] key, long step)
    {
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
#pragma warning disable CA5350 // Authenticator apps (and Identity's provider) use HMAC-SHA1, as RFC 6238's default.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long StepNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    [Fact]
    public async Task TwoFactor_IsTurnedOnWithAnAuthenticatorCode_ThenSignInAsksForIt_AndARecoveryCodeWorksOnce()
    {
        var t = await server.NewTenantAsync();
        var email = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Admin);
        using var browser = new DashboardClient(server);
        Assert.Equal("/dashboard", (await browser.SignIn(email, DashboardMembers.Password)).Location);
        var account = await browser.Get("/dashboard/account");
        var key = Base32(Regex.Match(account.Html, "id=\"authenticator-key\">([a-z2-7 ]+)<").Groups[1].Value.Replace(" ", "", StringComparison.Ordinal));
        Assert.True(key.Length >= 10, account.Html);

        // A code of another key is refused; the current one turns it on and shows ten recovery codes, once.
        var wrong = await browser.Post("/dashboard/account?handler=Enable", Form(("code", Totp(RandomNumberGenerator.GetBytes(20), StepNow()))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        var on = await browser.Post("/dashboard/account?handler=Enable", Form(("code", Totp(key, StepNow()))));
        Assert.Equal(HttpStatusCode.OK, on.Status);
        var codes = Regex.Matches(Regex.Match(on.Html, "<ul class=\"plain secret\">(.*?)</ul>", RegexOptions.Singleline).Groups[1].Value, "<li>([^<]+)</li>")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, codes.Distinct().Count());
        Assert.Contains("On: signing in asks for a code", (await browser.Get("/dashboard/account")).Text, StringComparison.Ordinal);

        // Signing in now stops at the code page; a wrong code is refused, the next step's code is taken.
        using var phone = new DashboardClient(server);
        Assert.Equal("/dashboard/sign-in/two-factor?returnUrl=%2Fdashboard", (await phone.SignIn(email, DashboardMembers.Password)).Location);
        // Not signed in yet: the account page sends it back to sign in.
        var halfway = await phone.Get("/dashboard/account");
        Assert.Equal(HttpStatusCode.Redirect, halfway.Status);
        Assert.Contains(DashboardSetup.SignInPath, halfway.Location, StringComparison.Ordinal);
        await phone.Get("/dashboard/sign-in/two-factor?returnUrl=%2Fdashboard");
        var bad = await phone.Post("/dashboard/sign-in/two-factor", Form(("code", Totp(RandomNumberGenerator.GetBytes(20), StepNow())), ("returnUrl", "/dashboard")));
        Assert.Contains("That code is not right", bad.Text, StringComparison.Ordinal);
        var good = await phone.Post("/dashboard/sign-in/two-factor", Form(("code", Totp(key, StepNow() + 1)), ("returnUrl", "/dashboard")));
        Assert.Equal("/dashboard", good.Location);
        Assert.Equal(HttpStatusCode.OK, (await phone.Get("/dashboard/account")).Status);

        // A recovery code signs in once.
        using var lost = new DashboardClient(server);
        await lost.SignIn(email, DashboardMembers.Password);
        await lost.Get("/dashboard/sign-in/two-factor?returnUrl=%2Fdashboard");
        Assert.Equal("/dashboard", (await lost.Post("/dashboard/sign-in/two-factor", Form(("code", codes[0]), ("returnUrl", "/dashboard")))).Location);
        using var again = new DashboardClient(server);
        await again.SignIn(email, DashboardMembers.Password);
        await again.Get("/dashboard/sign-in/two-factor?returnUrl=%2Fdashboard");
        var reused = await again.Post("/dashboard/sign-in/two-factor", Form(("code", codes[0]), ("returnUrl", "/dashboard")));
        Assert.Null(reused.Location);
        Assert.Contains("That code is not right", reused.Text, StringComparison.Ordinal);
        // Another one typed in lower case without its hyphen is still that code.
        Assert.Matches("^[A-Z0-9]{5}-[A-Z0-9]{5}$", codes[1]);
        await again.Get("/dashboard/sign-in/two-factor?returnUrl=%2Fdashboard");
        Assert.Equal("/dashboard", (await again.Post("/dashboard/sign-in/two-factor",
            Form(("code", codes[1].ToLowerInvariant().Replace("-", "", StringComparison.Ordinal)), ("returnUrl", "/dashboard")))).Location);
    }
}

public sealed class DashboardTwoFactorTests_Sqlite(SqliteServer server) : DashboardTwoFactorTests<SqliteServer>(server);

public sealed class DashboardTwoFactorTests_Postgres(PostgresServer server) : DashboardTwoFactorTests<PostgresServer>(server);
