// Database ceilings for bench/run-usage.sh, each printed as one JSON line.
//
//   copy   <npgsql connection string> <rows> <runs>
//       Binary COPY of <rows> usage_events rows (the server's own columns and indexes: the table is created
//       LIKE usage_events INCLUDING ALL in the benchmark database) per run, a fresh table each run.
//   sqlite <server's commet.db> <scratch file> <seconds>
//       Single-row transactions on SQLite in WAL mode with synchronous=NORMAL (as the server sets it): each
//       one inserts a usage_events row and adds to a usage_counters row, on a copy of the server's schema
//       of those two tables, one connection, prepared statements.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

return args.FirstOrDefault() switch
{
    "copy" => await CopyAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
    "sqlite" => Sqlite(args[1], args[2], double.Parse(args[3], CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: UsageCeilings copy <connstr> <rows> <runs> | sqlite <commet.db> <scratch.db> <seconds>");
    return 2;
}

static async Task<int> CopyAsync(string connectionString, int rows, int runs)
{
    await using var source = NpgsqlDataSource.Create(connectionString);
    await using var conn = await source.OpenConnectionAsync();
    var now = DateTime.UtcNow;
    var results = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        await using (var ddl = new NpgsqlCommand("DROP TABLE IF EXISTS ceiling_copy_events; CREATE TABLE ceiling_copy_events (LIKE usage_events INCLUDING ALL)", conn))
        {
            await ddl.ExecuteNonQueryAsync();
        }
        var sw = Stopwatch.StartNew();
        await using (var writer = await conn.BeginBinaryImportAsync(
            """COPY ceiling_copy_events ("Id","OrganizationId","Livemode","CustomerId","SubscriptionId","FeatureId","FeatureCode","Value","Timestamp","IdempotencyKey","PropertiesJson","Kind","PreviousValue","Reason","CreatedAt") FROM STDIN (FORMAT BINARY)"""))
        {
            for (var i = 0; i < rows; i++)
            {
                var c = i % 200;
                await writer.StartRowAsync();
                await writer.WriteAsync($"evt_{run}_{i:D12}abcdefghij", NpgsqlDbType.Varchar);
                await writer.WriteAsync("org_bench0000000000000000000", NpgsqlDbType.Varchar);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
                await writer.WriteAsync($"cus_bench{c:D20}", NpgsqlDbType.Text);
                await writer.WriteAsync($"sub_bench{c:D20}", NpgsqlDbType.Text);
                await writer.WriteAsync("feat_bench000000000000000000", NpgsqlDbType.Text);
                await writer.WriteAsync("bench_calls", NpgsqlDbType.Varchar);
                await writer.WriteAsync(1m, NpgsqlDbType.Numeric);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync($"ceiling_{run}_{i}", NpgsqlDbType.Varchar);
                await writer.WriteNullAsync();
                await writer.WriteAsync("track", NpgsqlDbType.Text);
                await writer.WriteNullAsync();
                await writer.WriteNullAsync();
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
        sw.Stop();
        results.Add(rows / sw.Elapsed.TotalSeconds);
    }
    await using (var drop = new NpgsqlCommand("DROP TABLE IF EXISTS ceiling_copy_events", conn))
    {
        await drop.ExecuteNonQueryAsync();
    }
    results.Sort();
    Console.WriteLine(FormattableString.Invariant(
        $"{{\"rows\":{rows},\"runs\":{runs},\"rows_per_s_median\":{results[results.Count / 2]:F0},\"rows_per_s_max\":{results[^1]:F0},\"rows_per_s_all\":[{string.Join(",", results.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}]}}"));
    return 0;
}

static int Sqlite(string serverDb, string scratch, double seconds)
{
    var ddl = new List<string>();
    using (var server = new SqliteConnection($"Data Source={serverDb};Mode=ReadOnly"))
    {
        server.Open();
        using var cmd = server.CreateCommand();
        cmd.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name IN ('usage_events','usage_counters') AND sql IS NOT NULL ORDER BY type DESC";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            ddl.Add(reader.GetString(0));
        }
    }
    if (ddl.Count == 0)
    {
        Console.Error.WriteLine($"no usage_events table in {serverDb}");
        return 1;
    }
    foreach (var f in new[] { scratch, scratch + "-wal", scratch + "-shm" })
    {
        File.Delete(f);
    }
    using var conn = new SqliteConnection($"Data Source={scratch};Pooling=false");
    conn.Open();
    Exec(conn, "PRAGMA journal_mode=WAL;");
    Exec(conn, "PRAGMA synchronous=NORMAL;");
    foreach (var sql in ddl)
    {
        Exec(conn, sql);
    }
    var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
    for (var c = 0; c < 200; c++)
    {
        Exec(conn, $"INSERT INTO usage_counters (\"SubscriptionId\",\"FeatureId\",\"WindowStart\",\"Quantity\",\"UpdatedAt\") VALUES ('sub_{c}','feat_bench','{now}','0','{now}')");
    }

    using var insert = conn.CreateCommand();
    insert.CommandText = """
        INSERT INTO usage_events ("Id","OrganizationId","Livemode","CustomerId","SubscriptionId","FeatureId","FeatureCode","Value","Timestamp","IdempotencyKey","PropertiesJson","Kind","PreviousValue","Reason","CreatedAt")
        VALUES ($id,'org_bench0000000000000000000',0,$cus,$sub,'feat_bench','bench_calls','1.0',$now,$key,NULL,'track',NULL,NULL,$now)
        """;
    var pId = insert.Parameters.Add("$id", SqliteType.Text);
    var pCus = insert.Parameters.Add("$cus", SqliteType.Text);
    var pSub = insert.Parameters.Add("$sub", SqliteType.Text);
    var pKey = insert.Parameters.Add("$key", SqliteType.Text);
    insert.Parameters.AddWithValue("$now", now);
    using var update = conn.CreateCommand();
    update.CommandText = "UPDATE usage_counters SET \"Quantity\" = \"Quantity\" + 1, \"UpdatedAt\" = $now WHERE \"SubscriptionId\" = $sub AND \"FeatureId\" = 'feat_bench' AND \"WindowStart\" = $now";
    var uSub = update.Parameters.Add("$sub", SqliteType.Text);
    update.Parameters.AddWithValue("$now", now);
    using var begin = conn.CreateCommand();
    begin.CommandText = "BEGIN";
    using var commit = conn.CreateCommand();
    commit.CommandText = "COMMIT";
    insert.Prepare();
    update.Prepare();

    var sw = Stopwatch.StartNew();
    var n = 0;
    var deadline = TimeSpan.FromSeconds(seconds);
    while (sw.Elapsed < deadline)
    {
        var c = n % 200;
        begin.ExecuteNonQuery();
        pId.Value = $"evt_{n:D12}abcdefghij";
        pCus.Value = $"cus_{c}";
        pSub.Value = $"sub_{c}";
        pKey.Value = $"ceiling_{n}";
        insert.ExecuteNonQuery();
        uSub.Value = $"sub_{c}";
        if (update.ExecuteNonQuery() != 1)
        {
            Console.Error.WriteLine("counter row missing");
            return 1;
        }
        commit.ExecuteNonQuery();
        n++;
    }
    sw.Stop();
    Console.WriteLine(FormattableString.Invariant($"{{\"transactions\":{n},\"seconds\":{sw.Elapsed.TotalSeconds:F2},\"tx_per_s\":{n / sw.Elapsed.TotalSeconds:F0}}}"));
    foreach (var f in new[] { scratch, scratch + "-wal", scratch + "-shm" })
    {
        File.Delete(f);
    }
    return 0;
}

static void Exec(SqliteConnection conn, string sql)
{
    using var cmd = conn.CreateCommand();
    cmd.CommandText = sql;
    cmd.ExecuteNonQuery();
}
