// Scale-out measurements for docs/scaling.md: replication lag of a streaming standby, read QPS per server under a bounded load,
// HNSW build time and sizes, tenant-scoped search on a partitioned vs an unpartitioned table, and float32 (vector) vs float16
// (halfvec) storage side by side. Not a CI test.
//
//   bash benchmarks/run-scale.sh lag|ryw|qps|hnsw|partitions|storage [key=value ...]   (hnsw and qps also take halfvec=1)
//
// Uses $HYBRIDANSWER_TEST_CONNECTION (primary) and $HYBRIDANSWER_TEST_STANDBY_CONNECTION (standby) from scripts/pg.sh; creates and
// drops tables scale_* there.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HybridAnswer;
using HybridAnswer.PgVector;
using Microsoft.Extensions.AI;
using Npgsql;
using Pgvector.Npgsql;

var mode = args.Length > 0 ? args[0] : throw new ArgumentException("mode: lag | qps | hnsw | partitions | storage");
var arguments = args.Skip(1).Select(a => a.Split('=', 2)).ToDictionary(a => a[0], a => int.Parse(a[1], CultureInfo.InvariantCulture));
int Arg(string name, int value) => arguments.GetValueOrDefault(name, value);
var storage = Arg("halfvec", 0) == 1 ? PgVectorStorage.Float16 : PgVectorStorage.Float32;
var primaryString = Environment.GetEnvironmentVariable("HYBRIDANSWER_TEST_CONNECTION") ?? throw new InvalidOperationException("HYBRIDANSWER_TEST_CONNECTION is not set (scripts/pg.sh).");
var standbyString = Environment.GetEnvironmentVariable("HYBRIDANSWER_TEST_STANDBY_CONNECTION");
if (Arg("sync", 0) == 1)
{
    // The test cluster runs with synchronous_commit = off (commits return before the WAL is flushed, and the walsender only sends
    // flushed WAL, so the standby trails by up to wal_writer_delay x 2); sync=1 commits as a production primary does.
    primaryString = new NpgsqlConnectionStringBuilder(primaryString) { Options = "-c synchronous_commit=on" }.ConnectionString;
}


NpgsqlDataSource Source(string connectionString)
{
    var builder = new NpgsqlDataSourceBuilder(connectionString);
    builder.ConnectionStringBuilder.MaxPoolSize = 64;
    builder.UseVector();
    return builder.Build();
}

await using var primary = Source(primaryString);
await using var standby = standbyString is null ? null : Source(standbyString);
Console.WriteLine($"scale measure {mode}: {Environment.ProcessorCount} CPUs, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {string.Join(' ', args.Skip(1))}");

switch (mode)
{
    case "lag":
        await LagAsync(Arg("ingests", 200), Arg("dims", 384));
        break;
    case "ryw":
        await ReadYourWritesAsync(Arg("ingests", 100), Arg("dims", 384));
        break;
    case "qps":
        await QpsAsync(Arg("chunks", 20_000), Arg("dims", 384), Arg("seconds", 5));
        break;
    case "hnsw":
        await HnswAsync(Arg("chunks", 100_000), Arg("dims", 384));
        break;
    case "storage":
        await StorageAsync(Arg("chunks", 100_000), Arg("dims", 384), Arg("queries", 200));
        break;
    case "partitions":
        await PartitionsAsync(Arg("tenants", 100), Arg("perTenant", 2000), Arg("dims", 384), Arg("partitions", 16), Arg("queries", 200));
        break;
    default:
        throw new ArgumentException($"unknown mode {mode}");
}

// Time from an ingest's return to the standby having replayed its commit position, per ingest of one small document.
async Task LagAsync(int ingests, int dims)
{
    ArgumentNullException.ThrowIfNull(standby);
    var kb = new PgVectorKnowledgeBase(primary, new RandomEmbedder(dims), new() { Table = "scale_lag", Dimensions = dims }, readDataSource: standby);
    await Execute(primary, "DROP TABLE IF EXISTS scale_lag, scale_lag_schema_version");
    await kb.MigrateAsync();
    await Task.Delay(500);
    var lags = new List<double>();
    await using var connection = await standby.OpenConnectionAsync();
    for (var i = 0; i < ingests; i++)
    {
        var result = await kb.UpsertAsync([new KnowledgeDocument($"d{i}", "Lag", $"Document {i} about topic {i % 50}.")]);
        var watch = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", connection) { Parameters = { new() { Value = result.CommitPosition! } } };
        while (!(bool)(await command.ExecuteScalarAsync())!)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("standby did not replay within 30 s");
            }
        }

        lags.Add(watch.Elapsed.TotalMilliseconds);
    }

    Report("replication lag (ingest returned -> standby replayed)", lags);
    await Execute(primary, "DROP TABLE IF EXISTS scale_lag, scale_lag_schema_version");
}

// What read-your-writes costs a search (ReadYourWrites on, a standby): the search right after this instance's ingest, and a search
// with nothing to wait for (the ingest was replayed already), each timed on its own, interleaved.
async Task ReadYourWritesAsync(int ingests, int dims)
{
    ArgumentNullException.ThrowIfNull(standby);
    var kb = new PgVectorKnowledgeBase(primary, new RandomEmbedder(dims), new() { Table = "scale_ryw", Dimensions = dims, ReadYourWrites = true }, readDataSource: standby);
    await Execute(primary, "DROP TABLE IF EXISTS scale_ryw, scale_ryw_schema_version");
    await kb.MigrateAsync();
    await Task.Delay(500);
    var afterWrite = new List<double>();
    var nothingToWaitFor = new List<double>();
    var request = new RetrievalRequest("topic 7") { TopK = 4, MinScore = -1 };
    for (var i = 0; i < ingests; i++)
    {
        await kb.UpsertAsync([new KnowledgeDocument($"d{i}", "Read your writes", $"Document {i} about topic {i % 50}.")]);
        var watch = Stopwatch.StartNew();
        await kb.RetrieveAsync(request);
        afterWrite.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        await kb.RetrieveAsync(request);
        nothingToWaitFor.Add(watch.Elapsed.TotalMilliseconds);
    }

    Report("search right after the ingest (waits for the standby to replay it)", afterWrite);
    Report("search after it (the ingest already replayed)", nothingToWaitFor);
    await Execute(primary, "DROP TABLE IF EXISTS scale_ryw, scale_ryw_schema_version");
}

// Closed-loop load: C concurrent searchers for S seconds each against the standby and the primary; QPS and latency.
async Task QpsAsync(int chunks, int dims, int seconds)
{
    var embedder = new RandomEmbedder(dims);
    var options = new PgVectorKnowledgeBaseOptions { Table = "scale_qps", Dimensions = dims, VectorStorage = storage, EmbeddingBatchSize = 1000, WriteBatchChunks = 10_000 };
    await Execute(primary, "DROP TABLE IF EXISTS scale_qps, scale_qps_schema_version");
    var loader = new PgVectorKnowledgeBase(primary, embedder, options);
    await loader.MigrateAsync();
    await loader.UpsertAsync(Documents(chunks, tenant: null));
    await Execute(primary, "ANALYZE scale_qps");
    await Task.Delay(2000); // let the standby replay the load
    foreach (var (name, source) in new[] { ("standby", standby), ("primary", (NpgsqlDataSource?)primary) })
    {
        if (source is null)
        {
            continue;
        }

        var kb = new PgVectorKnowledgeBase(primary, embedder, options, readDataSource: source);
        foreach (var concurrency in new[] { 1, 2, 4, 8 })
        {
            var latencies = new ConcurrentBag<double>();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var total = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var q = worker * 100_000;
                while (!stop.IsCancellationRequested)
                {
                    var watch = Stopwatch.StartNew();
                    await kb.RetrieveAsync(new RetrievalRequest($"query {q} topic {q % 50}") { TopK = 5 });
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                    q++;
                }
            })));
            Report($"{name}, hybrid top-5 over {chunks:N0} x {dims}d {storage}, {concurrency} concurrent: {latencies.Count / total.Elapsed.TotalSeconds:N0} QPS", [.. latencies]);
        }
    }

    await Execute(primary, "DROP TABLE IF EXISTS scale_qps, scale_qps_schema_version");
}

// Bulk load through UpsertAsync: COPY, then the library's one HNSW build (awaited by UpsertAsync); sizes.
async Task HnswAsync(int chunks, int dims)
{
    var embedder = new RandomEmbedder(dims);
    await Execute(primary, "DROP TABLE IF EXISTS scale_hnsw, scale_hnsw_schema_version");
    var kb = new PgVectorKnowledgeBase(primary, embedder, new() { Table = "scale_hnsw", Dimensions = dims, VectorStorage = storage, EmbeddingBatchSize = 1000, WriteBatchChunks = 10_000 });
    await kb.MigrateAsync();
    var watch = Stopwatch.StartNew();
    await kb.UpsertAsync(Documents(chunks, tenant: null));
    var load = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"loaded {chunks:N0} chunks x {dims}d {storage} through UpsertAsync (bulk path: COPY, then the one HNSW build that UpsertAsync awaits; m {new PgVectorKnowledgeBaseOptions().HnswM}, ef_construction {new PgVectorKnowledgeBaseOptions().HnswEfConstruction}, maintenance_work_mem {new PgVectorKnowledgeBaseOptions().IndexBuildMemoryMegabytes} MB, parallel maintenance workers up to max_parallel_workers {await Scalar(primary, "SHOW max_parallel_workers")}) in {load:N1} s = {chunks / load:N0} chunks/s, {load / chunks * 1_000_000 / 60:N1} min per million (linear)");
    Console.WriteLine($"sizes: table+toast {await Scalar(primary, "SELECT pg_size_pretty(pg_table_size('scale_hnsw'))")}, HNSW {await Scalar(primary, "SELECT pg_size_pretty(pg_relation_size('scale_hnsw_embedding_hnsw'))")} ({await Scalar(primary, $"SELECT round(pg_relation_size('scale_hnsw_embedding_hnsw')::numeric / {chunks}, 0)")} bytes/chunk), GIN text {await Scalar(primary, "SELECT pg_size_pretty(pg_relation_size('scale_hnsw_search_gin'))")}, vector column {await Scalar(primary, "SELECT round(avg(pg_column_size(embedding)), 0) FROM scale_hnsw")} bytes/row");
    await Execute(primary, "DROP TABLE IF EXISTS scale_hnsw, scale_hnsw_schema_version");
}

// 100 tenants x 2,000 chunks, unpartitioned vs hash-partitioned: tenant-scoped top-5, alone and while another tenant ingests.
async Task PartitionsAsync(int tenants, int perTenant, int dims, int partitions, int queries)
{
    var embedder = new RandomEmbedder(dims);
    foreach (var (table, count) in new[] { ("scale_plain", (int?)null), ("scale_parted", partitions) })
    {
        await Execute(primary, $"DROP TABLE IF EXISTS {table}, {table}_schema_version CASCADE");
        var options = new PgVectorKnowledgeBaseOptions { Table = table, Dimensions = dims, MultiTenant = true, TenantPartitions = count, EmbeddingBatchSize = 1000, WriteBatchChunks = 10_000 };
        var kb = new PgVectorKnowledgeBase(primary, embedder, options);
        await kb.MigrateAsync();
        await Execute(primary, $"DROP INDEX {table}_embedding_hnsw");
        var watch = Stopwatch.StartNew();
        for (var t = 0; t < tenants; t++)
        {
            await kb.UpsertAsync(Documents(perTenant, $"t{t}"));
        }

        var load = watch.Elapsed.TotalSeconds;
        watch.Restart();
        await Execute(primary, $"SET maintenance_work_mem = '1GB'; CREATE INDEX {table}_embedding_hnsw ON {table} USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64); ANALYZE {table}");
        var layout = count is null ? "unpartitioned" : $"{count} hash partitions";
        Console.WriteLine($"{layout}: loaded {tenants * perTenant:N0} chunks in {load:N1} s, HNSW built in {watch.Elapsed.TotalSeconds:N1} s");

        foreach (var kind in new[] { RetrievalKind.Vector, RetrievalKind.Hybrid })
        {
            var searcher = new PgVectorKnowledgeBase(primary, embedder, new() { Table = table, Dimensions = dims, MultiTenant = true, TenantPartitions = count, RetrievalKind = kind });
            var latencies = new List<double>();
            for (var q = 0; q < queries + 5; q++)
            {
                var w = Stopwatch.StartNew();
                await searcher.RetrieveAsync(new RetrievalRequest($"query {q} topic {q % 50}") { TopK = 5, TenantId = $"t{q % tenants}" });
                if (q >= 5)
                {
                    latencies.Add(w.Elapsed.TotalMilliseconds);
                }
            }

            Report($"{layout}, {kind} tenant-scoped top-5, idle", latencies);
        }

        // Another tenant re-ingests (new content each round) while tenant t1 is searched.
        var busy = new List<double>();
        using var stop = new CancellationTokenSource();
        var rounds = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                rounds++;
                await kb.UpsertAsync(Documents(200, "t0", $"round {rounds}"));
            }
        });
        var hybrid = new PgVectorKnowledgeBase(primary, embedder, new() { Table = table, Dimensions = dims, MultiTenant = true, TenantPartitions = count });
        for (var q = 0; q < queries; q++)
        {
            var w = Stopwatch.StartNew();
            await hybrid.RetrieveAsync(new RetrievalRequest($"query {q} topic {q % 50}") { TopK = 5, TenantId = "t1" });
            busy.Add(w.Elapsed.TotalMilliseconds);
        }

        await stop.CancelAsync();
        await writer;
        Report($"{layout}, Hybrid tenant-scoped top-5 while tenant t0 re-ingests 200 chunks per round ({rounds} rounds)", busy);
        await Execute(primary, $"DROP TABLE IF EXISTS {table}, {table}_schema_version CASCADE");
    }
}

// Float32 (vector) and float16 (halfvec) tables of the same chunks, loaded through UpsertAsync (the bulk path at 10,000 chunks and
// more); sizes, then the same queries against both, alternating: p50/p95 per regime and recall@5 against an exact float32 scan.
async Task StorageAsync(int chunks, int dims, int queries)
{
    var embedder = new RandomEmbedder(dims);
    var storages = new[] { PgVectorStorage.Float32, PgVectorStorage.Float16 };
    string Table(PgVectorStorage s) => s == PgVectorStorage.Float16 ? "scale_float16" : "scale_float32";
    PgVectorKnowledgeBaseOptions Options(PgVectorStorage s, RetrievalKind kind) =>
        new() { Table = Table(s), Dimensions = dims, VectorStorage = s, RetrievalKind = kind, EmbeddingBatchSize = 1000, WriteBatchChunks = 10_000 };

    // 10 % of chunks per segment, independent of the topic (the vector neighbourhood).
    var documents = Enumerable.Range(0, chunks).Select(i => new KnowledgeDocument($"d{i}", $"Document {i}", $"Body of document {i} about topic {i % 50} with code XR-{i}.")
    {
        Metadata = new Dictionary<string, string> { ["segment"] = $"s{(i / 7) % 10}" },
    }).ToList();
    var sizes = new Dictionary<PgVectorStorage, (long Total, long Table, long Index)>();
    foreach (var s in storages)
    {
        await Execute(primary, $"DROP TABLE IF EXISTS {Table(s)}, {Table(s)}_schema_version");
        var loader = new PgVectorKnowledgeBase(primary, embedder, Options(s, RetrievalKind.Hybrid));
        await loader.MigrateAsync();
        var watch = Stopwatch.StartNew();
        await loader.UpsertAsync(documents);
        var load = watch.Elapsed.TotalSeconds;
        await Execute(primary, $"VACUUM ANALYZE {Table(s)}");
        sizes[s] = (long.Parse(await Scalar(primary, $"SELECT pg_total_relation_size('{Table(s)}')"), CultureInfo.InvariantCulture),
            long.Parse(await Scalar(primary, $"SELECT pg_table_size('{Table(s)}')"), CultureInfo.InvariantCulture),
            long.Parse(await Scalar(primary, $"SELECT pg_relation_size('{Table(s)}_embedding_hnsw')"), CultureInfo.InvariantCulture));
        Console.WriteLine(
            $"{s}: UpsertAsync of {chunks:N0} chunks x {dims}d (index included) in {load:N1} s = {chunks / load:N0} chunks/s; " +
            $"pg_total_relation_size {sizes[s].Total / 1048576.0:N1} MB (table+toast {sizes[s].Table / 1048576.0:N1} MB, HNSW {sizes[s].Index / 1048576.0:N1} MB = " +
            $"{sizes[s].Index / (double)chunks:N0} bytes/chunk), embedding {await Scalar(primary, $"SELECT round(avg(pg_column_size(embedding)), 0) FROM {Table(s)}")} bytes/row");
    }

    Console.WriteLine($"float16/float32 sizes: total {sizes[PgVectorStorage.Float16].Total / (double)sizes[PgVectorStorage.Float32].Total:0.00}, " +
        $"table {sizes[PgVectorStorage.Float16].Table / (double)sizes[PgVectorStorage.Float32].Table:0.00}, HNSW {sizes[PgVectorStorage.Float16].Index / (double)sizes[PgVectorStorage.Float32].Index:0.00}");

    var regimes = new (string Name, RetrievalKind Kind, string? Segment)[] { ("vector", RetrievalKind.Vector, null), ("vector, segment filter 10%", RetrievalKind.Vector, "s3"), ("hybrid", RetrievalKind.Hybrid, null) };
    var searchers = storages.ToDictionary(s => s, s => regimes.Select(r => new PgVectorKnowledgeBase(primary, embedder, Options(s, r.Kind))).ToArray());
    var latencies = storages.ToDictionary(s => s, _ => regimes.Select(_ => new List<double>()).ToArray());
    var found = storages.ToDictionary(s => s, _ => new int[regimes.Length]);
    var expected = new int[regimes.Length];
    for (var q = -5; q < queries; q++)
    {
        var text = $"query {q + 5} topic {(q + 5) % 50}";
        for (var r = 0; r < regimes.Length; r++)
        {
            var request = new RetrievalRequest(text) { TopK = 5 };
            if (regimes[r].Segment is { } segment)
            {
                request = request with { Filter = new Dictionary<string, string> { ["segment"] = segment } };
            }

            var exact = regimes[r].Kind == RetrievalKind.Vector && q >= 0 ? await ExactTop5Async(Table(PgVectorStorage.Float32), embedder.Embed(text), regimes[r].Segment) : null;
            expected[r] += exact?.Count ?? 0;

            // Alternate which storage goes first, so neither always finds the other's pages freshly cached.
            foreach (var s in q % 2 == 0 ? storages : Enumerable.Reverse(storages))
            {
                var watch = Stopwatch.StartNew();
                var results = await searchers[s][r].RetrieveAsync(request);
                if (q < 0)
                {
                    continue; // warm-up
                }

                latencies[s][r].Add(watch.Elapsed.TotalMilliseconds);
                found[s][r] += exact is null ? 0 : results.Count(c => exact.Contains(c.DocumentId));
            }
        }
    }

    for (var r = 0; r < regimes.Length; r++)
    {
        foreach (var s in storages)
        {
            var recall = expected[r] == 0 ? "n/a" : (found[s][r] / (double)expected[r]).ToString("0.000", CultureInfo.InvariantCulture);
            Report($"{s}, {regimes[r].Name} top-5 over {chunks:N0} x {dims}d, recall@5 vs exact float32 {recall}", latencies[s][r]);
        }

        var p50 = storages.Select(s => latencies[s][r].Order().ElementAt(latencies[s][r].Count / 2)).ToArray();
        Console.WriteLine($"  {regimes[r].Name}: float16/float32 p50 {p50[1] / p50[0]:0.00}");
    }

    foreach (var s in storages)
    {
        await Execute(primary, $"DROP TABLE IF EXISTS {Table(s)}, {Table(s)}_schema_version");
    }
}

// The true top 5 by cosine distance over every (filtered) row of the float32 table: no index, float32 arithmetic.
async Task<HashSet<string>> ExactTop5Async(string table, float[] query, string? segment)
{
    await using var connection = await primary.OpenConnectionAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    await using (var off = new NpgsqlCommand("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off", connection, transaction))
    {
        await off.ExecuteNonQueryAsync();
    }

    var where = segment is null ? string.Empty : "WHERE metadata @> jsonb_build_object('segment', $2::text)";
    await using var command = new NpgsqlCommand($"SELECT document_id FROM {table} {where} ORDER BY embedding <=> $1 LIMIT 5", connection, transaction);
    command.Parameters.AddWithValue(new Pgvector.Vector(query));
    if (segment is not null)
    {
        command.Parameters.AddWithValue(segment);
    }

    var ids = new HashSet<string>();
    await using (var reader = await command.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
    }

    await transaction.CommitAsync();
    return ids;
}

IEnumerable<KnowledgeDocument> Documents(int count, string? tenant, string salt = "") => Enumerable.Range(0, count).Select(i =>
    new KnowledgeDocument($"d{i}", $"Document {i}", $"Body of document {i} about topic {i % 50} with code XR-{i}. {salt}") { TenantId = tenant });

static void Report(string name, IReadOnlyCollection<double> values)
{
    var sorted = values.Order().ToList();
    Console.WriteLine($"{name}: n {sorted.Count}, p50 {sorted[sorted.Count / 2]:0.00} ms, p95 {sorted[(int)(sorted.Count * 0.95)]:0.00} ms, max {sorted[^1]:0.00} ms");
}

static async Task Execute(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 0;
    await command.ExecuteNonQueryAsync();
}

static async Task<string> Scalar(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
}
