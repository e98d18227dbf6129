using System.Diagnostics;
using System.Net;
using Commet.Server.Tests.Infrastructure;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The PostgreSQL backup of docs/operations.md, done as written there: <c>pg_dump --format=custom</c> of a running
/// node's database while writes go on, <c>pg_restore --no-owner</c> into an empty database, and a server started on
/// the copy. (SQLite's online backup has <see cref="BackupTests"/>.)
/// </summary>
[Collection(nameof(ReliabilityCollection))]
public sealed class PostgresBackupTests
{
    private const string Key = "ck_test_pg_backup_00000000000001";

    [Fact]
    public async Task PgDumpWhileWriting_RestoredCopy_HasTheDataTheKeysAndTheLinks()
    {
        await using var source = await ScratchDatabase.CreateAsync();
        await using var target = await ScratchDatabase.CreateAsync();
        var environment = new Dictionary<string, string>
        {
            ["COMMET_DATABASE_URL"] = source.ConnectionString,
            ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
            ["Commet__Billing__Worker"] = "false",
            ["Commet__Webhooks__Dispatcher"] = "false",
        };
        await using var node = await ServerProcess.StartAsync(environment);
        using var api = node.Client(Key);
        await api.SetClock(Utc(2027, 1, 10));
        await api.Plan("basic", 4900);
        await api.Customer("keep");
        await api.Subscribe("keep", "basic");
        var invoice = (await api.GetJson("/api/v1/invoices?customerId=keep").Ok()).AsArray().Single()!;
        var invoiceId = invoice.Str("id");
        // A key made through the API (stored hashed), and a PDF link (protected with the Data Protection key, which lives
        // in the database too): both made before the dump, both must work on the copy.
        var secret = (await api.PostJson("/api/v1/api-keys", new { name = "made before the dump" }).Ok()).Str("apiKey");
        var pdfLink = new Uri((await api.GetJson($"/api/v1/invoices/{invoiceId}/download").Ok()).Str("url"));
        var before = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            before.Add(await api.Customer($"before_{i}", card: null));
        }

        // Two writers keep creating customers, each in sequence, while pg_dump runs.
        using var stop = new CancellationTokenSource();
        var written = 0;
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            using var client = node.Client(Key);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var created = await client.PostJson("/api/v1/customers", new { id = $"during_{w}_{i}", email = $"d{w}_{i}@example.com" });
                Assert.Equal(HttpStatusCode.Created, created.Status);
                Interlocked.Increment(ref written);
            }
        })).ToList();
        await MultiNodeTests.Until(() => Task.FromResult(Volatile.Read(ref written) >= 10), "writes before the dump");
        var dump = Path.Combine(Path.GetTempPath(), $"commet-{Guid.NewGuid():N}.dump");
        try
        {
            var writtenBefore = Volatile.Read(ref written);
            await RunAsync("pg_dump", "--format=custom", $"--file={dump}", $"--dbname={source.LibpqConnectionString}");
            var writtenDuring = Volatile.Read(ref written) - writtenBefore;
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            Assert.True(writtenDuring > 0, "no write happened while pg_dump ran");
            await RunAsync("pg_restore", "--no-owner", "--exit-on-error", $"--dbname={target.LibpqConnectionString}", dump);
        }
        finally
        {
            await stop.CancelAsync();
            File.Delete(dump);
        }

        // The copy is one snapshot: each writer's customers in it are a gap-free prefix of what that writer wrote.
        for (var w = 0; w < 2; w++)
        {
            var count = await target.ScalarAsync($"SELECT count(*) FROM customers WHERE \"ExternalId\" LIKE 'during\\_{w}\\_%'");
            var highest = await target.ScalarAsync(
                $"SELECT coalesce(max(substring(\"ExternalId\" from '[0-9]+$')::int) + 1, 0) FROM customers WHERE \"ExternalId\" LIKE 'during\\_{w}\\_%'");
            Assert.Equal(highest, count);
        }

        // A server on the restored database (its own start-up finds the schema up to date) serves what was there.
        // No bootstrap key: only the key made through the API before the dump can open it.
        var restoredEnvironment = environment.Where(e => e.Key != "COMMET_BOOTSTRAP_SANDBOX_KEY").ToDictionary();
        restoredEnvironment["COMMET_DATABASE_URL"] = target.ConnectionString;
        await using var restored = await ServerProcess.StartAsync(restoredEnvironment);
        using var copy = restored.Client(secret);
        foreach (var id in before)
        {
            var found = await copy.GetJson($"/api/v1/customers/{id}");
            Assert.True(found.Status == HttpStatusCode.OK, found.ToString());
        }
        var restoredInvoice = await copy.GetJson($"/api/v1/invoices/{invoiceId}").Ok();
        Assert.Equal(invoice.Str("invoiceNumber"), restoredInvoice.Str("invoiceNumber"));
        Assert.Equal(4900, restoredInvoice["total"]!.GetValue<long>()); // the $49.00 opening invoice
        using var browser = new HttpClient { BaseAddress = restored.BaseAddress };
        var pdf = await browser.GetAsync(pdfLink.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        // The copy takes writes of its own.
        Assert.Equal(HttpStatusCode.Created, (await copy.PostJson("/api/v1/customers", new { id = "after_restore", email = "after@example.com" })).Status);
    }

    private static async Task RunAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(PrivatePostgres.BinDirectory(), tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"{tool} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }
}
