using Commet.Domain;
using Commet.Server.Infrastructure;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Organizations;

/// <summary>
/// First start on an empty database: a default organization and a sandbox key, announced once on the console
/// (not through the logger, so the key stays out of log sinks) and written to <c>&lt;data dir&gt;/sandbox-key.txt</c>
/// readable by the owner only. Keys given in <c>COMMET_BOOTSTRAP_*_KEY</c> are registered on every start.
/// </summary>
public sealed class Bootstrap(IDbContextFactory<CommetDb> dbFactory, ApiKeyService keys, IOptions<CommetOptions> options,
    TimeProvider clock, ILogger<Bootstrap> logger, IKeyManager? dataProtectionKeys = null)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var o = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Nodes starting together on one database take turns: the first migrates the schema and creates the Data
        // Protection key, the others find both done (EF's own migration lock did not stop two fresh nodes from both
        // applying the first migration, and the second one's start then failed).
        await using (var lockDb = await dbFactory.CreateDbContextAsync(ct))
        {
            await StartupLock.RunExclusiveAsync(lockDb, async token =>
            {
                if (o.MigrateOnStartup)
                {
                    var started = clock.GetTimestamp();
                    var migrated = await Database.MigrateAsync(db, token);
                    logger.LogInformation("Schema {Outcome} in {Ms:0} ms", migrated ? "migrated" : "up to date, checked",
                        clock.GetElapsedTime(started).TotalMilliseconds);
                }
                EnsureDataProtectionKey();
            }, ct);
        }
        var createdOrganization = await EnsureDefaultOrganizationAsync(db, ct);
        await RegisterGivenKeyAsync(db, o.BootstrapSandboxKey, livemode: false, ct);
        await RegisterGivenKeyAsync(db, o.BootstrapLiveKey, livemode: true, ct);

        if (createdOrganization && string.IsNullOrEmpty(o.BootstrapSandboxKey))
        {
            var (_, secret) = await keys.CreateAsync(db, Organization.DefaultId, false, "Default sandbox key", null, null, ct);
            var file = WriteKeyFile(o.DataDir, secret);
            Console.WriteLine();
            Console.WriteLine("  Commet is ready. Your sandbox API key (shown once):");
            Console.WriteLine();
            Console.WriteLine($"    {secret}");
            Console.WriteLine();
            Console.WriteLine($"  It is also saved, readable by you only, in {file}");
            Console.WriteLine();
        }
    }

    /// <summary>
    /// Makes sure the shared key ring holds a usable Data Protection key before this node serves anything. Left to
    /// itself, each node creates a key on first use when it finds none, and nodes started together on an empty
    /// database would each make their own: a webhook secret, hosted-page link or form token protected on one node
    /// could not be read on the other until its cached key ring refreshed (up to a day later). Runs under the
    /// start-up lock, so the first node creates the key and the others find it.
    /// </summary>
    private void EnsureDataProtectionKey()
    {
        if (dataProtectionKeys is null)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var usable = dataProtectionKeys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(2));
        if (!usable)
        {
            dataProtectionKeys.CreateNewKey(now, now.AddDays(90));
            logger.LogInformation("Created the Data Protection key shared by every node");
        }
    }

    private async Task<bool> EnsureDefaultOrganizationAsync(CommetDb db, CancellationToken ct)
    {
        if (await db.Organizations.AnyAsync(ct))
        {
            return false;
        }
        db.Organizations.Add(CreateOrganization.NewOrganization(Organization.DefaultId, "Default organization", clock));
        try
        {
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Created the default organization {OrganizationId}", Organization.DefaultId);
            return true;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another node created it at the same moment.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private async Task RegisterGivenKeyAsync(CommetDb db, string? secret, bool livemode, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return;
        }
        if (!secret.StartsWith("ck_", StringComparison.Ordinal) || secret.Length < 20)
        {
            throw new InvalidOperationException($"COMMET_BOOTSTRAP_{(livemode ? "LIVE" : "SANDBOX")}_KEY must start with ck_ and be at least 20 characters.");
        }
        var hash = ApiKeyService.Hash(secret);
        var existing = await db.ApiKeys.IgnoreQueryFilters().FirstOrDefaultAsync(k => k.Hash == hash, ct);
        if (existing is not null)
        {
            if (existing.Livemode != livemode)
            {
                throw new InvalidOperationException("A bootstrap key is already registered for the other mode.");
            }
            return;
        }
        try
        {
            await keys.CreateAsync(db, Organization.DefaultId, livemode, livemode ? "Bootstrap live key" : "Bootstrap sandbox key", null, secret, ct);
            logger.LogInformation("Registered the bootstrap {Mode} key", livemode ? "live" : "sandbox");
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
        }
    }

    private static string WriteKeyFile(string dataDir, string secret)
    {
        var dir = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "sandbox-key.txt");
        if (!OperatingSystem.IsWindows())
        {
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.WriteLine(secret);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        else
        {
            File.WriteAllText(path, secret + Environment.NewLine);
        }
        return path;
    }
}
