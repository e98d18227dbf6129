using System.Data;
using System.Data.Common;
using Commet.Domain;
using Commet.Domain.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Commet.Server.Persistence;

/// <summary>The customer portal's tables: links/sessions, per-organization settings, limited attempts.</summary>
public abstract partial class CommetDb
{
    public DbSet<PortalSession> PortalSessions => Set<PortalSession>();
    public DbSet<PortalSettings> PortalSettings => Set<PortalSettings>();
    public DbSet<PortalAttempt> PortalAttempts => Set<PortalAttempt>();
    public DbSet<PortalLogo> PortalLogos => Set<PortalLogo>();
    public DbSet<FormClaim> FormClaims => Set<FormClaim>();

    /// <summary>The link row of <see cref="InsertPortalLinkAsync"/>: the customer's key is our <c>cus_…</c> ID first, then the merchant's own ID.</summary>
    private const string InsertPortalLinkSql = """
        INSERT INTO portal_sessions ("Id", "OrganizationId", "Livemode", "CustomerId", "LinkHash", "ReturnUrl", "Locale", "CreatedAt",
            "LinkExpiresAt", "IdleTimeoutSeconds", "AbsoluteExpiresAt")
        SELECT @id, c."OrganizationId", c."Livemode", c."Id", @hash, @returnUrl, @locale, @now, @linkExpires, @idle, @absoluteExpires
        FROM customers AS c
        WHERE c."OrganizationId" = @org AND c."Livemode" = @live AND (c."Id" = @key OR c."ExternalId" = @key)
        ORDER BY CASE WHEN c."Id" = @key THEN 0 ELSE 1 END
        LIMIT 1
        RETURNING "CustomerId"
        """;

    /// <summary>PostgreSQL: many links in one statement, each row's customer found as <see cref="InsertPortalLinkSql"/> finds it.</summary>
    private const string InsertPortalLinksSql = """
        INSERT INTO portal_sessions ("Id", "OrganizationId", "Livemode", "CustomerId", "LinkHash", "ReturnUrl", "Locale", "CreatedAt",
            "LinkExpiresAt", "IdleTimeoutSeconds", "AbsoluteExpiresAt")
        SELECT r.id, c."OrganizationId", c."Livemode", c."Id", r.hash, r.return_url, r.locale, r.created_at, r.link_expires, r.idle, r.absolute_expires
        FROM unnest(@ids, @orgs, @lives, @keys, @hashes, @returnUrls, @locales, @createdAt, @linkExpires, @idles, @absoluteExpires)
            AS r(id, org, live, key, hash, return_url, locale, created_at, link_expires, idle, absolute_expires)
        CROSS JOIN LATERAL (
            SELECT c."OrganizationId", c."Livemode", c."Id"
            FROM customers AS c
            WHERE c."OrganizationId" = r.org AND c."Livemode" = r.live AND (c."Id" = r.key OR c."ExternalId" = r.key)
            ORDER BY CASE WHEN c."Id" = r.key THEN 0 ELSE 1 END
            LIMIT 1) AS c
        RETURNING "Id"
        """;

    /// <summary>
    /// PostgreSQL: stores the links of <paramref name="rows"/> in one statement (all or none) and answers the IDs of those
    /// stored: a row whose tenant has no customer with its key is not stored, as with <see cref="InsertPortalLinkAsync"/>.
    /// </summary>
    public Task<HashSet<string>> InsertPortalLinksAsync(IReadOnlyList<Portal.PortalLinkRow> rows, CancellationToken ct) =>
        OnConnectionAsync(InsertPortalLinksSql, command =>
        {
            Value(command, "ids", rows.Select(r => r.Id).ToArray());
            Value(command, "orgs", rows.Select(r => r.OrganizationId).ToArray());
            Value(command, "lives", rows.Select(r => r.Livemode).ToArray());
            Value(command, "keys", rows.Select(r => r.CustomerKey).ToArray());
            Value(command, "hashes", rows.Select(r => r.LinkHash).ToArray());
            Value(command, "returnUrls", rows.Select(r => r.ReturnUrl).ToArray());
            Value(command, "locales", rows.Select(r => r.Locale).ToArray());
            Value(command, "createdAt", rows.Select(r => r.Now).ToArray());
            Value(command, "linkExpires", rows.Select(r => r.LinkExpiresAt).ToArray());
            Value(command, "idles", rows.Select(r => r.IdleTimeoutSeconds).ToArray());
            Value(command, "absoluteExpires", rows.Select(r => r.AbsoluteExpiresAt).ToArray());
        }, async command =>
        {
            var stored = new HashSet<string>(rows.Count, StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stored.Add(reader.GetString(0));
            }
            return stored;
        }, ct);

    /// <summary>
    /// Stores an unopened portal link for the customer of the tenant whose ID or external ID is the row's customer key;
    /// false when there is no such customer. One statement, the customer found and the row written together, sent as a
    /// plain command: no LINQ or SQL translation, no parameter cache lookup, no change tracking (PostgreSQL still
    /// prepares it automatically, its text being constant). <see cref="Portal.PortalLinkWriter"/> sends it for a group of one
    /// on PostgreSQL; SQLite's links take <see cref="InsertPortalLinkSqlite"/>.
    /// </summary>
    public Task<bool> InsertPortalLinkAsync(Portal.PortalLinkRow r, CancellationToken ct) =>
        OnConnectionAsync(InsertPortalLinkSql, command =>
        {
            Text(command, "id", r.Id);
            Text(command, "hash", r.LinkHash);
            Text(command, "returnUrl", r.ReturnUrl);
            Text(command, "locale", r.Locale);
            Value(command, "now", r.Now);
            Value(command, "linkExpires", r.LinkExpiresAt);
            Value(command, "idle", r.IdleTimeoutSeconds);
            Value(command, "absoluteExpires", r.AbsoluteExpiresAt);
            Text(command, "org", r.OrganizationId);
            Value(command, "live", r.Livemode);
            Text(command, "key", r.CustomerKey);
        }, async command => await command.ExecuteScalarAsync(ct) is string, ct);

    /// <summary>Runs <paramref name="sql"/> as a plain command on this context's connection (opened for it when closed) and transaction.</summary>
    private Task<T> OnConnectionAsync<T>(string sql, Action<DbCommand> bind, Func<DbCommand, Task<T>> run, CancellationToken ct) =>
        OnConnectionAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = sql;
            bind(command);
            RoundTripMeter.Of(this)?.Add();
            return await run(command);
        }, ct);

    /// <summary>Runs <paramref name="run"/> on this context's connection, opened for it when closed (and closed again after).</summary>
    private async Task<T> OnConnectionAsync<T>(Func<DbConnection, Task<T>> run, CancellationToken ct)
    {
        var connection = Database.GetDbConnection();
        var open = connection.State == ConnectionState.Open;
        if (!open)
        {
            await Database.OpenConnectionAsync(ct);
        }
        try
        {
            return await run(connection);
        }
        finally
        {
            if (!open)
            {
                await Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>
    /// SQLite: the same statement, kept prepared on the native connection (<see cref="SqliteStatements"/>): preparing it
    /// was about a tenth of a link's server time. The caller (<see cref="Portal.PortalLinkWriter"/>) holds the write gate.
    /// Parameters are bound as Microsoft.Data.Sqlite binds them (text, times as
    /// <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, booleans as 0/1), so the row is the one the command writes.
    /// </summary>
    internal static bool InsertPortalLinkSqlite(Microsoft.Data.Sqlite.SqliteConnection connection, Portal.PortalLinkRow r)
    {
        var stmt = SqliteStatements.Get(connection, InsertPortalLinkSql);
        try
        {
            SqliteStatements.Text(stmt, "@id", r.Id);
            SqliteStatements.Text(stmt, "@hash", r.LinkHash);
            SqliteStatements.Text(stmt, "@returnUrl", r.ReturnUrl);
            SqliteStatements.Text(stmt, "@locale", r.Locale);
            SqliteStatements.Time(stmt, "@now", r.Now);
            SqliteStatements.Time(stmt, "@linkExpires", r.LinkExpiresAt);
            SqliteStatements.Integer(stmt, "@idle", r.IdleTimeoutSeconds);
            SqliteStatements.Time(stmt, "@absoluteExpires", r.AbsoluteExpiresAt);
            SqliteStatements.Text(stmt, "@org", r.OrganizationId);
            SqliteStatements.Boolean(stmt, "@live", r.Livemode);
            SqliteStatements.Text(stmt, "@key", r.CustomerKey);
            var stored = SqliteStatements.Step(connection, stmt, connection.DefaultTimeout);
            // Stepped to the end, so that the statement (and, outside a group, its implicit transaction) is finished.
            while (SqliteStatements.Step(connection, stmt, connection.DefaultTimeout))
            {
            }
            return stored;
        }
        finally
        {
            SqliteStatements.Reset(stmt);
        }
    }

    /// <summary>
    /// The statements every portal page sends before anything else (the session read with its customer, test clock and
    /// catalog version; the customer's current subscription), their columns taken from the model once. SQLite keeps them
    /// prepared and sends them one by one (no round trip to save). PostgreSQL sends them as one batch, each statement
    /// finding its rows through the same session hash (the first and only parameter, positional, so Npgsql sends the
    /// text as it is instead of rewriting named parameters on every execution), with the overview's card and latest
    /// invoices when the page shows them.
    /// </summary>
    private sealed class PortalReads<TSource>
    {
        public readonly EntityRows<TSource, PortalSession> Session;
        public readonly EntityRows<TSource, Customer> Customer;
        public readonly EntityRows<TSource, Subscription> Subscription;
        public readonly EntityRows<TSource, PaymentMethod> Card;
        public readonly string SessionSql;
        public readonly string SubscriptionSql;
        public readonly string SubscriptionBySessionSql;
        public readonly string CardSql;
        public readonly string InvoicesSql;
        public readonly string CardBySessionSql;
        public readonly string InvoicesBySessionSql;

        /// <param name="model">The context's model, where the entities' columns are read.</param>
        /// <param name="values">How a <typeparamref name="TSource"/>'s columns are read (see <see cref="EntityRows{TSource, T}"/>).</param>
        /// <param name="hash">How the statements name the session hash: <c>@hash</c> on SQLite, <c>$1</c> on PostgreSQL.</param>
        public PortalReads(Microsoft.EntityFrameworkCore.Metadata.IModel model, Type values, string hash)
        {
            Session = new(model, "s", values);
            Customer = new(model, "c", values);
            Subscription = new(model, "s", values);
            Card = new(model, "m", values);
            // As PortalQueries.SessionByHash: the customer in the session's organization and mode; no test clock is null, no catalog version 0.
            SessionSql = $"""
                SELECT {Session.Columns}, {Customer.Columns},
                    (SELECT t."SimulatedTime" FROM test_clocks AS t WHERE t."OrganizationId" = s."OrganizationId" LIMIT 1),
                    coalesce((SELECT v."Version" FROM catalog_versions AS v WHERE v."OrganizationId" = s."OrganizationId" AND v."Livemode" = s."Livemode" LIMIT 1), 0)
                FROM portal_sessions AS s
                JOIN customers AS c ON s."CustomerId" = c."Id" AND s."OrganizationId" = c."OrganizationId" AND s."Livemode" = c."Livemode"
                WHERE s."SessionHash" = {hash}
                LIMIT 1
                """;
            // As PortalQueries.CurrentSubscription, with the tenant named as the query filter names it: the live one, else the latest.
            var order = $"""
                ORDER BY CASE WHEN s."Status" IN ('{SubscriptionStatus.PendingPayment}', '{SubscriptionStatus.Trialing}', '{SubscriptionStatus.Active}', '{SubscriptionStatus.PastDue}') THEN 0 ELSE 1 END, s."Id" DESC
                LIMIT 1
                """;
            SubscriptionSql = $"""
                SELECT {Subscription.Columns}
                FROM subscriptions AS s
                WHERE s."OrganizationId" = @org AND s."Livemode" = @live AND s."CustomerId" = @customer
                {order}
                """;
            // The same subscription, its customer and tenant taken from the session row the hash names.
            SubscriptionBySessionSql = $"""
                SELECT {Subscription.Columns}
                FROM portal_sessions AS p
                JOIN subscriptions AS s ON s."OrganizationId" = p."OrganizationId" AND s."Livemode" = p."Livemode" AND s."CustomerId" = p."CustomerId"
                WHERE p."SessionHash" = {hash}
                {order}
                """;
            // The customer's default card and latest issued invoices (ReadCardAndInvoicesAsync), in the tenant named as the query filters name it.
            CardSql = $"""
                SELECT {Card.Columns}
                FROM payment_methods AS m
                WHERE m."OrganizationId" = @org AND m."Livemode" = @live AND m."CustomerId" = @customer AND m."IsDefault" AND m."DetachedAt" IS NULL
                LIMIT 1
                """;
            InvoicesSql = """
                SELECT i."Id", i."Number", i."IssueDate", i."Status", i."Total", i."Currency"
                FROM invoices AS i
                WHERE i."OrganizationId" = @org AND i."Livemode" = @live AND i."CustomerId" = @customer AND i."Status" <> 'draft'
                ORDER BY i."Id" DESC
                LIMIT @count
                """;
            // The same, the customer and tenant taken from the session row the hash names.
            CardBySessionSql = $"""
                SELECT {Card.Columns}
                FROM portal_sessions AS p
                JOIN payment_methods AS m ON m."OrganizationId" = p."OrganizationId" AND m."Livemode" = p."Livemode" AND m."CustomerId" = p."CustomerId"
                WHERE p."SessionHash" = {hash} AND m."IsDefault" AND m."DetachedAt" IS NULL
                LIMIT 1
                """;
            InvoicesBySessionSql = $"""
                SELECT i."Id", i."Number", i."IssueDate", i."Status", i."Total", i."Currency"
                FROM portal_sessions AS p
                JOIN invoices AS i ON i."OrganizationId" = p."OrganizationId" AND i."Livemode" = p."Livemode" AND i."CustomerId" = p."CustomerId"
                WHERE p."SessionHash" = {hash} AND i."Status" <> 'draft'
                ORDER BY i."Id" DESC
                LIMIT {Commet.Server.Portal.PrefetchedOverview.Invoices}
                """;
        }
    }

    private static PortalReads<SQLitePCL.sqlite3_stmt>? sqlitePortalReads;
    private static PortalReads<DbDataReader>? commandPortalReads;

    private PortalReads<SQLitePCL.sqlite3_stmt> SqliteReads => sqlitePortalReads ??= new(Model, typeof(SqliteRowValues), "@hash");

    /// <summary>The reads sent as ADO.NET commands: PostgreSQL's session batch, and the card-and-invoices command on both databases.</summary>
    private PortalReads<DbDataReader> CommandReads => commandPortalReads ??= new(Model, typeof(DbRowValues), "$1");

    /// <summary>
    /// The live-or-not session a cookie's hash names, with its customer, the organization's test clock and catalog version
    /// (see <see cref="Commet.Server.Portal.PortalQueries.SessionByHash"/>). On SQLite the statement stays prepared on the
    /// native connection (<see cref="SqliteStatements"/>): preparing the session and subscription statements was about a
    /// quarter of the overview's server time (a closed connection takes the compiled query). On PostgreSQL the customer's
    /// current subscription comes in the same round trip, and with <paramref name="overview"/> the overview's card and
    /// latest invoices too.
    /// </summary>
    public Task<Commet.Server.Portal.SessionRow?> ReadPortalSessionAsync(string sessionHash, bool overview, CancellationToken ct)
    {
        if (Database.GetDbConnection() is Npgsql.NpgsqlConnection)
        {
            return ReadPortalSessionNpgsqlAsync(sessionHash, overview, ct);
        }
        if (Database.GetDbConnection() is not Microsoft.Data.Sqlite.SqliteConnection { State: ConnectionState.Open } sqlite)
        {
            return Commet.Server.Portal.PortalQueries.SessionByHash.Invoke(this, sessionHash, ct);
        }
        var reads = SqliteReads;
        RoundTripMeter.Of(this)?.Add();
        var stmt = SqliteStatements.Get(sqlite, reads.SessionSql);
        try
        {
            SqliteStatements.Text(stmt, "@hash", sessionHash);
            if (!SqliteStatements.Step(sqlite, stmt, sqlite.DefaultTimeout))
            {
                return Task.FromResult<Commet.Server.Portal.SessionRow?>(null);
            }
            var session = reads.Session.Read(stmt, 0);
            var customer = reads.Customer.Read(stmt, reads.Session.Count);
            var next = reads.Session.Count + reads.Customer.Count;
            return Task.FromResult<Commet.Server.Portal.SessionRow?>(new Commet.Server.Portal.SessionRow(session, customer,
                SqliteRowValues.ReadNullableTime(stmt, next), SqliteRowValues.ReadInt64(stmt, next + 1), null, null));
        }
        finally
        {
            SqliteStatements.Reset(stmt);
        }
    }

    /// <summary>
    /// PostgreSQL: the session row and the customer's current subscription (with <paramref name="overview"/>, also the
    /// default card and the latest issued invoices) in one batch, so a portal page starts with one round trip. The other
    /// rows are read whatever the session turns out to be (expired, ended); the caller drops them with the session then.
    /// </summary>
    private Task<Commet.Server.Portal.SessionRow?> ReadPortalSessionNpgsqlAsync(string sessionHash, bool overview, CancellationToken ct)
    {
        var reads = CommandReads;
        return OnConnectionAsync(async connection =>
        {
            await using var batch = new Npgsql.NpgsqlBatch((Npgsql.NpgsqlConnection)connection)
            {
                Transaction = (Npgsql.NpgsqlTransaction?)Database.CurrentTransaction?.GetDbTransaction(),
            };
            void Add(string sql) => batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand(sql)
            {
                Parameters = { new Npgsql.NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = sessionHash } },
            });
            Add(reads.SessionSql);
            Add(reads.SubscriptionBySessionSql);
            if (overview)
            {
                Add(reads.CardBySessionSql);
                Add(reads.InvoicesBySessionSql);
            }
            RoundTripMeter.Of(this)?.Add();
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }
            var session = reads.Session.Read(reader, 0);
            var customer = reads.Customer.Read(reader, reads.Session.Count);
            var next = reads.Session.Count + reads.Customer.Count;
            var clock = DbRowValues.ReadNullableTime(reader, next);
            var catalogVersion = reader.GetInt64(next + 1);
            await reader.NextResultAsync(ct);
            var subscription = await reader.ReadAsync(ct) ? reads.Subscription.Read(reader, 0) : null;
            Commet.Server.Portal.PrefetchedOverview? prefetched = null;
            if (overview)
            {
                await reader.NextResultAsync(ct);
                var card = await reader.ReadAsync(ct) ? reads.Card.Read(reader, 0) : null;
                await reader.NextResultAsync(ct);
                prefetched = new Commet.Server.Portal.PrefetchedOverview(card, await ReadInvoiceRowsAsync(reader, Commet.Server.Portal.PrefetchedOverview.Invoices, ct));
            }
            return new Commet.Server.Portal.SessionRow(session, customer, clock, catalogVersion, new Commet.Server.Portal.PrefetchedSubscription(subscription), prefetched);
        }, ct);
    }

    /// <summary>
    /// The customer's live subscription if there is one, else the latest, in the context's tenant (see
    /// <see cref="Commet.Server.Portal.PortalQueries.CurrentSubscription"/>); on SQLite a statement kept prepared, as
    /// <see cref="ReadPortalSessionAsync"/>. Not tracked.
    /// </summary>
    public Task<Subscription?> ReadCurrentSubscriptionAsync(string customerId, CancellationToken ct)
    {
        if (Database.GetDbConnection() is not Microsoft.Data.Sqlite.SqliteConnection { State: ConnectionState.Open } sqlite || TenantOrganizationId is null)
        {
            return Commet.Server.Portal.PortalQueries.CurrentSubscription.Invoke(this, customerId, ct);
        }
        var reads = SqliteReads;
        RoundTripMeter.Of(this)?.Add();
        var stmt = SqliteStatements.Get(sqlite, reads.SubscriptionSql);
        try
        {
            SqliteStatements.Text(stmt, "@org", TenantOrganizationId);
            SqliteStatements.Boolean(stmt, "@live", TenantLivemode);
            SqliteStatements.Text(stmt, "@customer", customerId);
            return Task.FromResult(SqliteStatements.Step(sqlite, stmt, sqlite.DefaultTimeout) ? reads.Subscription.Read(stmt, 0) : null);
        }
        finally
        {
            SqliteStatements.Reset(stmt);
        }
    }

    /// <summary>
    /// The customer's default card (not detached) and, when <paramref name="invoiceCount"/> is above 0, their latest issued
    /// invoices newest first: one command of two statements, so one round trip where the overview sent two queries. Both
    /// are read inside the tenant (organization and mode) named here, as the context's query filters would. On SQLite the
    /// two statements stay prepared (<see cref="ReadCardAndInvoicesSqlite"/>). (On PostgreSQL the overview reads them with
    /// the session instead: <see cref="ReadPortalSessionAsync"/>.)
    /// </summary>
    public Task<(PaymentMethod? Card, List<Commet.Server.Portal.InvoiceRow> Invoices)> ReadCardAndInvoicesAsync(string organizationId, bool livemode,
        string customerId, int invoiceCount, CancellationToken ct)
    {
        if (Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection { State: ConnectionState.Open } sqlite)
        {
            return Task.FromResult(ReadCardAndInvoicesSqlite(sqlite, organizationId, livemode, customerId, invoiceCount));
        }
        var reads = CommandReads;
        return OnConnectionAsync(invoiceCount > 0 ? reads.CardSql + ";\n" + reads.InvoicesSql : reads.CardSql, command =>
        {
            Text(command, "org", organizationId);
            Value(command, "live", livemode);
            Text(command, "customer", customerId);
            if (invoiceCount > 0)
            {
                Value(command, "count", invoiceCount);
            }
        }, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            var card = await reader.ReadAsync(ct) ? reads.Card.Read(reader, 0) : null;
            var invoices = invoiceCount > 0 && await reader.NextResultAsync(ct)
                ? await ReadInvoiceRowsAsync(reader, invoiceCount, ct)
                : [];
            return (card, invoices);
        }, ct);
    }

    /// <summary>
    /// SQLite: the card and the invoices by the two statements kept prepared on the native connection
    /// (<see cref="SqliteStatements"/>), as the session's and subscription's are. Preparing them again for every page was
    /// the largest part of SQLite's share of the overview's server time (parser, planner, their allocations and locks).
    /// One round trip in <see cref="RoundTripMeter"/>'s count, as the command of the same two statements was.
    /// </summary>
    private (PaymentMethod? Card, List<Commet.Server.Portal.InvoiceRow> Invoices) ReadCardAndInvoicesSqlite(Microsoft.Data.Sqlite.SqliteConnection sqlite,
        string organizationId, bool livemode, string customerId, int invoiceCount)
    {
        var reads = SqliteReads;
        RoundTripMeter.Of(this)?.Add();
        PaymentMethod? card;
        var stmt = SqliteStatements.Get(sqlite, reads.CardSql);
        try
        {
            BindCustomer(stmt);
            card = SqliteStatements.Step(sqlite, stmt, sqlite.DefaultTimeout) ? reads.Card.Read(stmt, 0) : null;
        }
        finally
        {
            SqliteStatements.Reset(stmt);
        }
        var invoices = new List<Commet.Server.Portal.InvoiceRow>(Math.Max(0, invoiceCount));
        if (invoiceCount <= 0)
        {
            return (card, invoices);
        }
        stmt = SqliteStatements.Get(sqlite, reads.InvoicesSql);
        try
        {
            BindCustomer(stmt);
            SqliteStatements.Integer(stmt, "@count", invoiceCount);
            while (SqliteStatements.Step(sqlite, stmt, sqlite.DefaultTimeout))
            {
                invoices.Add(new Commet.Server.Portal.InvoiceRow(SqliteRowValues.ReadString(stmt, 0)!, SqliteRowValues.ReadString(stmt, 1)!,
                    SqliteRowValues.ReadTime(stmt, 2), SqliteRowValues.ReadString(stmt, 3)!, SqliteRowValues.ReadInt64(stmt, 4), SqliteRowValues.ReadString(stmt, 5)!));
            }
        }
        finally
        {
            SqliteStatements.Reset(stmt);
        }
        return (card, invoices);

        void BindCustomer(SQLitePCL.sqlite3_stmt statement)
        {
            SqliteStatements.Text(statement, "@org", organizationId);
            SqliteStatements.Boolean(statement, "@live", livemode);
            SqliteStatements.Text(statement, "@customer", customerId);
        }
    }

    /// <summary>The rows of a statement selecting an invoice's Id, Number, IssueDate, Status, Total and Currency, in that order.</summary>
    private static async Task<List<Commet.Server.Portal.InvoiceRow>> ReadInvoiceRowsAsync(DbDataReader reader, int count, CancellationToken ct)
    {
        var invoices = new List<Commet.Server.Portal.InvoiceRow>(count);
        while (await reader.ReadAsync(ct))
        {
            invoices.Add(new Commet.Server.Portal.InvoiceRow(reader.GetString(0), reader.GetString(1), AsUtc(reader.GetDateTime(2)), reader.GetString(3),
                reader.GetInt64(4), reader.GetString(5)));
        }
        return invoices;
    }

    /// <summary>Times are stored in UTC; read back as UTC, as the context's converter does.</summary>
    private static DateTime AsUtc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    /// <summary>A text parameter (typed, so that a null is a null text on PostgreSQL too).</summary>
    private static void Text(DbCommand command, string name, string? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.DbType = DbType.String;
        p.Value = (object?)value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    /// <summary>A parameter typed by its value (UTC times go to PostgreSQL as timestamptz, to SQLite as EF Core writes them).</summary>
    private static void Value(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    private void ConfigurePortal(ModelBuilder b)
    {
        b.Entity<PortalSession>(e =>
        {
            e.ToTable("portal_sessions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.CustomerId).HasMaxLength(40);
            e.Property(x => x.LinkHash).HasMaxLength(64);
            e.Property(x => x.SessionHash).HasMaxLength(64);
            e.Property(x => x.ReturnUrl).HasMaxLength(2048);
            e.Property(x => x.Locale).HasMaxLength(35);
            e.HasIndex(x => x.LinkHash).IsUnique();
            e.HasIndex(x => x.SessionHash).IsUnique();
            // For purging dead sessions.
            e.HasIndex(x => x.AbsoluteExpiresAt);
            Tenant(e);
        });

        b.Entity<PortalSettings>(e =>
        {
            e.ToTable("portal_settings");
            e.HasKey(x => new { x.OrganizationId, x.Livemode });
            e.Property(x => x.OrganizationId).HasMaxLength(40);
            e.Property(x => x.DisplayName).HasMaxLength(100);
            e.Property(x => x.LogoUrl).HasMaxLength(2048);
            e.Property(x => x.AccentColor).HasMaxLength(7);
            e.Property(x => x.SupportEmail).HasMaxLength(320);
            e.Property(x => x.TermsUrl).HasMaxLength(2048);
            e.Property(x => x.PrivacyUrl).HasMaxLength(2048);
            e.Property(x => x.DefaultLocale).HasMaxLength(35);
            e.Property(x => x.LegalName).HasMaxLength(255);
            e.Property(x => x.LegalLine1).HasMaxLength(255);
            e.Property(x => x.LegalLine2).HasMaxLength(255);
            e.Property(x => x.LegalCity).HasMaxLength(255);
            e.Property(x => x.LegalPostalCode).HasMaxLength(32);
            e.Property(x => x.LegalState).HasMaxLength(255);
            e.Property(x => x.LegalCountry).HasMaxLength(2);
            e.Property(x => x.TaxId).HasMaxLength(100);
            // Rows written before these columns existed keep every email on; the sentinel lets EF write an explicit false.
            e.Property(x => x.EmailReceipts).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailPaymentFailed).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailUpcomingRenewal).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailTrialEnding).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailCancellation).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailPortalLinks).HasDefaultValue(true).HasSentinel(true);
            e.HasQueryFilter(x => x.OrganizationId == TenantOrganizationId && x.Livemode == TenantLivemode);
        });

        b.Entity<PortalLogo>(e =>
        {
            e.ToTable("portal_logos");
            e.HasKey(x => new { x.OrganizationId, x.Livemode });
            e.Property(x => x.Id).HasMaxLength(40);
            e.HasIndex(x => x.Id).IsUnique();
            e.Property(x => x.ContentType).HasMaxLength(40);
            e.Property(x => x.Hash).HasMaxLength(64);
            Tenant(e);
        });

        b.Entity<PortalAttempt>(e =>
        {
            e.ToTable("portal_attempts");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.CustomerId).HasMaxLength(40);
            e.Property(x => x.Kind).HasMaxLength(30);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.CustomerId, x.Kind, x.AttemptedAt });
            Tenant(e);
        });

        b.Entity<FormClaim>(e =>
        {
            e.ToTable("form_claims");
            // The unique key decides which of two submits of one form runs; the other waits for it and reads its outcome.
            e.HasKey(x => new { x.SessionId, x.Token });
            e.Property(x => x.SessionId).HasMaxLength(40);
            e.Property(x => x.Token).HasMaxLength(64);
            // For purging old claims.
            e.HasIndex(x => x.ClaimedAt);
            e.Property(x => x.OrganizationId).HasMaxLength(40);
            e.HasQueryFilter(x => x.OrganizationId == TenantOrganizationId && x.Livemode == TenantLivemode);
        });
    }
}
