// Measures the pgvector knowledge base: ingestion chunks/s with binary COPY (the library) vs row-by-row INSERT, query p50
// at N chunks (unfiltered, 1% filter, hybrid), and recall@5 of the HNSW path against exact search.
//
//   source scripts/pg.sh && pg_start
//   dotnet run -c Release --project benchmarks/HybridAnswer.PgVectorMeasure -- [chunks=100000] [dims=384] [queries=200] [ingest=2000]
//
// Uses $HYBRIDANSWER_TEST_CONNECTION; creates and drops tables measure_* there.
using System.Diagnostics;
using System.Globalization;
using HybridAnswer;
using HybridAnswer.PgVector;
using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pgvector.Npgsql;

var arguments = args.Select(a => a.Split('=', 2)).ToDictionary(a => a[0], a => int.Parse(a[1], CultureInfo.InvariantCulture));
var chunks = arguments.GetValueOrDefault("chunks", 100_000);
var dims = arguments.GetValueOrDefault("dims", 384);
var queries = arguments.GetValueOrDefault("queries", 200);
var ingestChunks = arguments.GetValueOrDefault("ingest", 2000);
var connectionString = Environment.GetEnvironmentVariable("HYBRIDANSWER_TEST_CONNECTION")
    ?? throw new InvalidOperationException("Set HYBRIDANSWER_TEST_CONNECTION (scripts/pg.sh pg_start does).");

var builder = new NpgsqlDataSourceBuilder(connectionString);
builder.UseVector();
await using var dataSource = builder.Build();
var embedder = new RandomEmbedder(dims);
Console.WriteLine($"pgvector measure: {chunks:N0} chunks x {dims} dims, {queries} queries, ingest test {ingestChunks:N0} chunks; {Environment.ProcessorCount} CPUs");

// 1. Ingestion: the library's binary COPY vs row-by-row INSERT of the same rows, both into a table with the production indexes.
var copyKb = new PgVectorKnowledgeBase(dataSource, embedder, new() { Table = "measure_copy", EmbeddingBatchSize = 1000 });
var insertKb = new PgVectorKnowledgeBase(dataSource, embedder, new() { Table = "measure_insert" });
await Execute("DROP TABLE IF EXISTS measure_copy, measure_copy_schema_version, measure_insert, measure_insert_schema_version, measure_big, measure_big_schema_version");
await copyKb.MigrateAsync();
await insertKb.MigrateAsync();
var ingestDocuments = Documents(ingestChunks).ToList();
var watch = Stopwatch.StartNew();
await copyKb.UpsertAsync(ingestDocuments);
var copyRate = ingestChunks / watch.Elapsed.TotalSeconds;
watch.Restart();
await InsertRowByRowAsync(ingestDocuments);

var insertRate = ingestChunks / watch.Elapsed.TotalSeconds;
Console.WriteLine($"ingest (HNSW + GIN indexes present): COPY {copyRate:N0} chunks/s, row-by-row INSERT {insertRate:N0} chunks/s ({copyRate / insertRate:0.0}x)");

// The same comparison without the HNSW index, where the write path itself shows.
await Execute("TRUNCATE measure_copy, measure_insert; DROP INDEX measure_copy_embedding_hnsw, measure_insert_embedding_hnsw");
watch.Restart();
await copyKb.UpsertAsync(Documents(ingestChunks, "b"));
copyRate = ingestChunks / watch.Elapsed.TotalSeconds;
watch.Restart();
await InsertRowByRowAsync(Documents(ingestChunks, "b"));

insertRate = ingestChunks / watch.Elapsed.TotalSeconds;
Console.WriteLine($"ingest (GIN indexes, no HNSW):        COPY {copyRate:N0} chunks/s, row-by-row INSERT {insertRate:N0} chunks/s ({copyRate / insertRate:0.0}x)");

// 2. Query latency and recall at N chunks: bulk load without the HNSW index, then build it (pgvector's advice for bulk loads).
var vectorKb = new PgVectorKnowledgeBase(dataSource, embedder, new() { Table = "measure_big", RetrievalKind = RetrievalKind.Vector, EmbeddingBatchSize = 1000, WriteBatchChunks = 10_000 });
var hybridKb = new PgVectorKnowledgeBase(dataSource, embedder, new() { Table = "measure_big", RetrievalKind = RetrievalKind.Hybrid });
await vectorKb.MigrateAsync();
await Execute("DROP INDEX measure_big_embedding_hnsw");
watch.Restart();
await vectorKb.UpsertAsync(Documents(chunks));
Console.WriteLine($"loaded {chunks:N0} chunks with COPY (no HNSW) in {watch.Elapsed.TotalSeconds:N1} s = {chunks / watch.Elapsed.TotalSeconds:N0} chunks/s");
watch.Restart();
await Execute("SET maintenance_work_mem = '2GB'; CREATE INDEX measure_big_embedding_hnsw ON measure_big USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64); ANALYZE measure_big", timeout: 0);
Console.WriteLine($"built HNSW index in {watch.Elapsed.TotalSeconds:N1} s");

var filter = new Dictionary<string, string> { ["group"] = "rare" };
foreach (var (name, kb, useFilter) in new[] { ("vector, unfiltered", vectorKb, false), ("vector, 1% filter", vectorKb, true), ("hybrid, unfiltered", hybridKb, false), ("hybrid, 1% filter", hybridKb, true) })
{
    var latencies = new List<double>();
    int found = 0, total = 0;
    for (var q = 0; q < queries + 5; q++)
    {
        var text = $"query {q} document topic {q % 50}";
        var request = new RetrievalRequest(text) { TopK = 5, Filter = useFilter ? filter : new Dictionary<string, string>() };
        watch.Restart();
        var results = await kb.RetrieveAsync(request);
        if (q >= 5)
        {
            latencies.Add(watch.Elapsed.TotalMilliseconds); // the first five warm the pool and plans
        }

        if (kb == vectorKb && q < 50)
        {
            var exact = await ExactTop5(embedder.Embed(text), useFilter);
            found += results.Count(r => exact.Contains(r.DocumentId));
            total += exact.Count;
        }
    }

    latencies.Sort();
    var recall = total > 0 ? $", recall@5 vs exact {found / (double)total:0.000}" : string.Empty;
    Console.WriteLine($"{name,-20} p50 {latencies[latencies.Count / 2]:0.00} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:0.00} ms{recall}");
}

await Execute("DROP TABLE IF EXISTS measure_copy, measure_copy_schema_version, measure_insert, measure_insert_schema_version, measure_big, measure_big_schema_version");

IEnumerable<KnowledgeDocument> Documents(int count, string prefix = "d") => Enumerable.Range(0, count).Select(i =>
    new KnowledgeDocument($"{prefix}{i}", $"Document {i}", $"Body of document {i} about topic {i % 50} with code XR-{i}.")
    {
        Metadata = new Dictionary<string, string> { ["group"] = i % 100 == 0 ? "rare" : "common" },
    });

async Task<List<string>> ExactTop5(float[] query, bool useFilter)
{
    await using var connection = await dataSource.OpenConnectionAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    await using (var off = new NpgsqlCommand("SET LOCAL enable_indexscan = off", connection, transaction))
    {
        await off.ExecuteNonQueryAsync();
    }

    var where = useFilter ? "WHERE metadata @> '{\"group\":\"rare\"}'" : string.Empty;
    await using var command = new NpgsqlCommand($"SELECT document_id FROM measure_big {where} ORDER BY embedding <=> $1 LIMIT 5", connection, transaction);
    command.Parameters.AddWithValue(new Vector(query));
    var ids = new List<string>();
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        ids.Add(reader.GetString(0));
    }

    return ids;
}

async Task Execute(string sql, int timeout = 300)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = timeout;
    await command.ExecuteNonQueryAsync();
}

// Row-by-row INSERT in one transaction: the baseline COPY is compared with.
async Task InsertRowByRowAsync(IEnumerable<KnowledgeDocument> documents)
{
    await using var connection = await dataSource.OpenConnectionAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    foreach (var document in documents)
    {
        await using var insert = new NpgsqlCommand("INSERT INTO measure_insert (tenant_id, document_id, ordinal, title, content, metadata, source_uri, content_hash, embedding) VALUES ('', $1, 0, $2, $3, $4, NULL, 'x', $5)", connection, transaction);
        insert.Parameters.AddWithValue(document.Id);
        insert.Parameters.AddWithValue(document.Title);
        insert.Parameters.AddWithValue(document.Content);
        insert.Parameters.Add(new NpgsqlParameter { Value = $"{{\"group\":\"{document.Metadata["group"]}\"}}", NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.AddWithValue(new Vector(embedder.Embed(document.Title + "\n" + document.Content)));
        await insert.ExecuteNonQueryAsync();
    }

    await transaction.CommitAsync();
}
