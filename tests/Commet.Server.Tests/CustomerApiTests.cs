using System.Net;
using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

public abstract class CustomerApiTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private readonly HttpClient api = server.Client();

    private static string Unique(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Create_WithOwnId_StoresItAsExternalId_AndGetFindsItByEitherId()
    {
        var own = Unique("user");
        var created = await api.PostJson("/api/v1/customers", new { id = own, email = "ann@example.com", fullName = "Ann Lee" });

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var data = created.Data;
        Assert.StartsWith("cus_", data["id"]!.GetValue<string>());
        Assert.Equal(own, data["externalId"]!.GetValue<string>());
        Assert.Equal("ann@example.com", data["email"]!.GetValue<string>());
        Assert.Equal("customer", data["object"]!.GetValue<string>());
        Assert.False(data["livemode"]!.GetValue<bool>());

        var byOwn = await api.GetJson($"/api/v1/customers/{own}");
        var byOurs = await api.GetJson($"/api/v1/customers/{data["id"]}");
        Assert.Equal(HttpStatusCode.OK, byOwn.Status);
        Assert.Equal(data["id"]!.GetValue<string>(), byOwn.Data["id"]!.GetValue<string>());
        Assert.Equal(data["id"]!.GetValue<string>(), byOurs.Data["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_AgainWithSameOwnId_ReturnsTheExistingCustomer()
    {
        var own = Unique("user");
        var first = await api.PostJson("/api/v1/customers", new { id = own, email = "first@example.com" });
        var second = await api.PostJson("/api/v1/customers", new { id = own, email = "second@example.com" });

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Data["id"]!.GetValue<string>(), second.Data["id"]!.GetValue<string>());
        Assert.Equal("first@example.com", second.Data["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ConcurrentlyWithSameOwnId_MakesOneCustomer()
    {
        var own = Unique("race");
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            server.Client().PostJson("/api/v1/customers", new { id = own, email = "race@example.com" })));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK, a.ToString()));
        Assert.Single(answers.Select(a => a.Data["id"]!.GetValue<string>()).Distinct());
        var list = await api.GetJson($"/api/v1/customers?externalId={own}");
        Assert.Single(list.Data.AsArray());
    }

    [Fact]
    public async Task Create_WithoutEmail_Is422NamingEmail()
    {
        var answer = await api.PostJson("/api/v1/customers", new { fullName = "No Email" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal("validation_error", answer.ErrorCode);
        Assert.Contains("email", answer.ErrorFields);
        Assert.False(answer.Body!["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Create_ReportsEveryInvalidField()
    {
        var answer = await api.PostJson("/api/v1/customers", new
        {
            email = "not-an-email",
            timezone = "Mars/Olympus",
            address = new { line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "XX" },
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal(["address.country", "email", "timezone"], answer.ErrorFields.Order().ToArray());
    }

    [Fact]
    public async Task Create_WithWrongType_Is422NamingTheField()
    {
        var answer = await api.PostRaw("/api/v1/customers", """{"email":"a@example.com","fullName":42}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal(["fullName"], answer.ErrorFields);
    }

    [Theory]
    [InlineData("{\"email\":")]
    [InlineData("not json at all")]
    [InlineData("{\"email\":\"a@example.com\",}")]
    public async Task Create_WithMalformedJson_Is400InvalidJson(string raw)
    {
        var answer = await api.PostRaw("/api/v1/customers", raw);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid_json", answer.ErrorCode);
        Assert.NotNull(answer.Body!["error"]!["doc_url"]);
    }

    [Fact]
    public async Task Create_WithNonObjectJson_Is422()
    {
        var answer = await api.PostRaw("/api/v1/customers", "[1,2,3]");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
    }

    [Fact]
    public async Task Create_KeepsUnicodeAndMetadata()
    {
        var answer = await api.PostJson("/api/v1/customers", new
        {
            email = "zoë@example.com".Replace("ë", "e", StringComparison.Ordinal),
            fullName = "Zoë Ñúñez 山田 🚀",
            metadata = new { plan = "pro", seats = 3, nested = new { ok = true } },
            timezone = "Europe/Madrid",
            address = new { line1 = "Calle Mayor 1", city = "Madrid", postalCode = "28013", country = "es" },
        });

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        var fetched = await api.GetJson($"/api/v1/customers/{answer.Data["id"]}");
        Assert.Equal("Zoë Ñúñez 山田 🚀", fetched.Data["fullName"]!.GetValue<string>());
        Assert.Equal(3, fetched.Data["metadata"]!["seats"]!.GetValue<int>());
        Assert.True(fetched.Data["metadata"]!["nested"]!["ok"]!.GetValue<bool>());
        Assert.Equal("ES", fetched.Data["address"]!["country"]!.GetValue<string>());
        Assert.Equal("Europe/Madrid", fetched.Data["timezone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WithOversizedMetadata_Is422()
    {
        var metadata = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => (object)i);
        var answer = await api.PostJson("/api/v1/customers", new { email = "m@example.com", metadata });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal(["metadata"], answer.ErrorFields);
    }

    [Fact]
    public async Task Get_Unknown_Is404CustomerNotFound()
    {
        var answer = await api.GetJson("/api/v1/customers/cus_doesnotexist");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("customer_not_found", answer.ErrorCode);
    }

    [Fact]
    public async Task Update_ChangesOnlyGivenFields()
    {
        var own = Unique("upd");
        await api.PostJson("/api/v1/customers", new { id = own, email = "old@example.com", fullName = "Old Name" });

        var updated = await api.PutJson($"/api/v1/customers/{own}", new { email = "new@example.com", metadata = new { tier = "gold" } });

        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal("new@example.com", updated.Data["email"]!.GetValue<string>());
        Assert.Equal("Old Name", updated.Data["fullName"]!.GetValue<string>());
        Assert.Equal("gold", updated.Data["metadata"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_ToAnExternalIdThatIsTaken_Is409()
    {
        var a = Unique("a");
        var b = Unique("b");
        await api.PostJson("/api/v1/customers", new { id = a, email = "a@example.com" });
        await api.PostJson("/api/v1/customers", new { id = b, email = "b@example.com" });

        var answer = await api.PutJson($"/api/v1/customers/{b}", new { externalId = a });

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Equal("duplicate", answer.ErrorCode);
    }

    [Fact]
    public async Task Update_Unknown_Is404()
    {
        var answer = await api.PutJson("/api/v1/customers/nobody_here", new { fullName = "x" });
        Assert.Equal("customer_not_found", answer.ErrorCode);
    }

    [Fact]
    public async Task Batch_CreatesValidItems_AndReportsInvalidOnesByIndex()
    {
        var own = Unique("batch");
        var answer = await api.PostJson("/api/v1/customers/batch", new
        {
            customers = new object[]
            {
                new { id = own + "_1", email = "b1@example.com" },
                new { id = own + "_2", email = "broken" },
                new { id = own + "_3", email = "b3@example.com" },
                new { id = own + "_1", email = "again@example.com" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var successful = answer.Data["successful"]!.AsArray();
        var failed = answer.Data["failed"]!.AsArray();
        Assert.Equal(3, successful.Count);
        Assert.Single(failed);
        Assert.Equal(1, failed[0]!["index"]!.GetValue<int>());
        Assert.Equal("broken", failed[0]!["data"]!["email"]!.GetValue<string>());
        // The repeated merchant ID resolves to the customer made from the first item.
        Assert.Equal(successful[0]!["id"]!.GetValue<string>(), successful[2]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_Over100_Is422()
    {
        var customers = Enumerable.Range(0, 101).Select(i => new { email = $"c{i}@example.com" }).ToArray();
        var answer = await api.PostJson("/api/v1/customers/batch", new { customers });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal(["customers"], answer.ErrorFields);
    }

    [Fact]
    public async Task List_FiltersByExternalId()
    {
        var own = Unique("filter");
        await api.PostJson("/api/v1/customers", new { id = own, email = "f@example.com" });

        var answer = await api.GetJson($"/api/v1/customers?externalId={own}");

        var only = Assert.Single(answer.Data.AsArray());
        Assert.Equal(own, only!["externalId"]!.GetValue<string>());
        Assert.False(answer.Body!["hasMore"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=abc")]
    [InlineData("cursor=garbage")]
    public async Task List_WithBadPaging_Is422(string query)
    {
        var answer = await api.GetJson($"/api/v1/customers?{query}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
    }
}

public sealed class CustomerApiTests_Sqlite(SqliteServer server) : CustomerApiTests<SqliteServer>(server);

public sealed class CustomerApiTests_Postgres(PostgresServer server) : CustomerApiTests<PostgresServer>(server);

/// <summary>Paging gets a server of its own so that no other test's customers land in its pages.</summary>
public abstract class CustomerPagingTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task List_60Customers_InPagesOf25_WithNextCursor()
    {
        var api = server.Client();
        var created = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var answer = await api.PostJson("/api/v1/customers", new { id = $"page_{i:D2}", email = $"p{i}@example.com" });
            created.Add(answer.Data["id"]!.GetValue<string>());
        }

        var seen = new List<string>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await api.GetJson("/api/v1/customers?limit=25" + (cursor is null ? "" : "&cursor=" + cursor));
            var items = page.Data.AsArray();
            sizes.Add(items.Count);
            seen.AddRange(items.Select(c => c!["id"]!.GetValue<string>()));
            cursor = page.Body!["nextCursor"]?.GetValue<string>();
            Assert.Equal(cursor is not null, page.Body!["hasMore"]!.GetValue<bool>());
        }
        while (cursor is not null);

        Assert.Equal([25, 25, 10], sizes);
        // Newest first, every customer exactly once.
        Assert.Equal(Enumerable.Reverse(created).ToList(), seen);
    }
}

public sealed class CustomerPagingTests_Sqlite(SqliteServer server) : CustomerPagingTests<SqliteServer>(server);

public sealed class CustomerPagingTests_Postgres(PostgresServer server) : CustomerPagingTests<PostgresServer>(server);
