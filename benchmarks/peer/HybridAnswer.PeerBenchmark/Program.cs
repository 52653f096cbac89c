// Side-by-side run of HybridAnswer's PgVectorKnowledgeBase and LangChain.js PGVectorStore on one PostgreSQL cluster: the same
// generated chunks (64 clusters; filters passing 90 %, 10 %, 1 % and 0.1 % of rows), the same query vectors, queries alternating
// between the two libraries, exact top-5 computed here in memory for recall. Started by benchmarks/peer/run.sh (not by CI).
//
//   dotnet run -c Release --project benchmarks/peer/HybridAnswer.PeerBenchmark -- [chunks=100000] [dims=384] [queries=100] [peer=1] [reuse=0] [explain=1] [filterindexes=1]
//
// Uses $HYBRIDANSWER_TEST_CONNECTION; tables peer_ours and peer_langchain. reuse=1 keeps a loaded table of the right size
// (load figures are then not measured for it). peer=0 runs ours only. filterindexes=0 declares no filter keys (no per-value indexes).
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using HybridAnswer;
using HybridAnswer.PgVector;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pgvector.Npgsql;

var arguments = args.Select(a => a.Split('=', 2)).ToDictionary(a => a[0], a => int.Parse(a[1], CultureInfo.InvariantCulture));
var chunks = arguments.GetValueOrDefault("chunks", 100_000);
var dims = arguments.GetValueOrDefault("dims", 384);
var queryCount = arguments.GetValueOrDefault("queries", 100);
var runPeer = arguments.GetValueOrDefault("peer", 1) == 1;
var reuse = arguments.GetValueOrDefault("reuse", 0) == 1;
var explain = arguments.GetValueOrDefault("explain", 1) == 1;
var filterIndexes = arguments.GetValueOrDefault("filterindexes", 1) == 1;
const int warmup = 5;
const int topK = 5;
var connectionString = Environment.GetEnvironmentVariable("HYBRIDANSWER_TEST_CONNECTION")
    ?? throw new InvalidOperationException("Set HYBRIDANSWER_TEST_CONNECTION (benchmarks/peer/run.sh does).");
var peerScript = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "node", "peer.mjs");
peerScript = Environment.GetEnvironmentVariable("PEER_SCRIPT") ?? Path.GetFullPath(peerScript);

// ---- data: deterministic, 64 clusters, filters with known shares ----
var data = Corpus.Generate(chunks, dims, queryCount + warmup);
Filter[] filters =
[
    new("none", null, null, 1.0),
    new("status=published", "status", "published", 0.9),
    new("segment=s3", "segment", "s3", 0.1),
    new("tag=rare", "tag", "rare", 0.01),
    new("flag=on", "flag", "on", 0.001),
];
Console.WriteLine($"peer benchmark: {chunks:N0} chunks x {dims} dims, {queryCount} timed queries per filter (+{warmup} warm-up queries; every query vector first searched once unfiltered, untimed), top-{topK}; {Environment.ProcessorCount} CPUs; load average {File.ReadAllText("/proc/loadavg").Trim()}");

var builder = new NpgsqlDataSourceBuilder(connectionString);
builder.UseVector();
await using var dataSource = builder.Build();
var embedder = new LookupEmbedder(data);
// Ours is built the way a host registers it from a connection string (AddHybridAnswering().UsePgVector(connectionString)), so the
// data sources are the ones the library makes; the harness's own data source above only drops tables, counts and explains.
var services = new ServiceCollection();
services.AddHybridAnswering()
    .UseEmbeddingGenerator(embedder)
    .UsePgVector(connectionString, options =>
    {
        options.Table = "peer_ours";
        options.RetrievalKind = RetrievalKind.Vector;
        options.Dimensions = dims;
        if (filterIndexes)
        {
            // The keys this host filters on, declared as a host would: values passing a middle share of rows get a graph of their own.
            foreach (var key in new[] { "status", "segment", "tag", "flag" })
            {
                options.FilterIndexKeys.Add(key);
            }
        }
    });
await using var provider = services.BuildServiceProvider();
var ours = provider.GetRequiredService<PgVectorKnowledgeBase>();

// ---- loads ----
double? oursLoad = null, peerLoad = null, incremental = null;
if (!reuse || await CountAsync("peer_ours") != chunks)
{
    await ExecuteAsync("DROP TABLE IF EXISTS peer_ours, peer_ours_schema_version");
    await ours.MigrateAsync();
    var watch = Stopwatch.StartNew();
    await ours.UpsertAsync(data.Documents());
    oursLoad = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"ours: UpsertAsync of {chunks:N0} new chunks (vectors given, HNSW included) {oursLoad:N1} s = {chunks / oursLoad:N0} chunks/s");

    // Incremental: 100 changed documents into the loaded table, through the same UpsertAsync.
    watch.Restart();
    await ours.UpsertAsync(data.Documents(edited: 100));
    incremental = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"ours: incremental UpsertAsync of 100 changed documents into {chunks:N0} chunks {incremental * 1000:N0} ms");
    await ours.UpsertAsync(data.Documents(edited: 0).Take(100)); // back to the original content, so recall compares like with like
}

if (filterIndexes)
{
    // Built by the load above already (then this finds nothing to do); with reuse=1 on a table loaded without them, built here.
    var watch = Stopwatch.StartNew();
    var built = await ours.EnsureFilterIndexesAsync();
    Console.WriteLine($"ours: EnsureFilterIndexesAsync built {built} filter indexes in {watch.Elapsed.TotalSeconds:N1} s");
}

Peer? peer = null;
if (runPeer)
{
    peer = Peer.Start(peerScript, connectionString, data, dims);
    if (!reuse || await CountAsync("peer_langchain") != chunks)
    {
        await ExecuteAsync("DROP TABLE IF EXISTS peer_langchain");
        peerLoad = peer.Load();
        Console.WriteLine($"peer: addVectors of {chunks:N0} chunks + createHnswIndex {peerLoad:N1} s = {chunks / peerLoad:N0} chunks/s");
    }
}

await ExecuteAsync("ANALYZE peer_ours");

// ---- exact top-5 per filter and query, in memory ----
var exact = filters.Select(f =>
{
    var eligible = Enumerable.Range(0, chunks).Where(i => f.Key is null || Corpus.Metadata(i)[f.Key] == f.Value).ToArray();
    return data.Queries.Select(q => data.ExactTop(q, topK, eligible)).ToArray();
}).ToArray();

// ---- queries, alternating ----
var results = filters.Select(_ => new Side[] { new(), new() }).ToArray();
for (var q = 0; q < data.Queries.Length; q++)
{
    // The first search of a query vector finds the graph's pages around it cold (the tables outgrow the default 128 MB
    // shared_buffers), and in our exact regimes the graph is not read at all, so a cold start would land on whichever graph
    // filter came first: each library searches each query vector once, unfiltered and untimed, before its timed searches.
    // The filter order also rotates per query.
    await OursAsync(q, filters[0]);
    peer?.Query(q, filters[0]);
    for (var i = 0; i < filters.Length; i++)
    {
        var f = (q + i) % filters.Length;
        var order = ((q + f) % 2 == 0) ? new[] { 0, 1 } : new[] { 1, 0 };
        foreach (var side in order)
        {
            if (side == 1 && peer is null)
            {
                continue;
            }

            var (ms, ids) = side == 0 ? await OursAsync(q, filters[f]) : peer!.Query(q, filters[f]);
            if (q >= warmup)
            {
                results[f][side].Add(ms, ids, exact[f][q]);
            }
        }
    }
}

// ---- report ----
var unfilteredP50 = results[0][0].P(0.5);
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"| filter (share) | ours p50 / p95 ms | peer p50 / p95 ms | p50 ours/peer | ours p50 / ours unfiltered | rows ours / peer | recall@5 ours / peer |");
report.AppendLine("|---|---|---|---|---|---|---|");
for (var f = 0; f < filters.Length; f++)
{
    var (o, p) = (results[f][0], results[f][1]);
    var peerCells = peer is null ? ("-", "-", "-", "-") : ($"{p.P(0.5):0.00} / {p.P(0.95):0.00}", $"{o.P(0.5) / p.P(0.5):0.00}", $"{p.Rows:0.00}", $"{p.Recall:0.000}");
    report.AppendLine(CultureInfo.InvariantCulture, $"| {filters[f].Name} ({filters[f].Share:0.0%}) | {o.P(0.5):0.00} / {o.P(0.95):0.00} | {peerCells.Item1} | {peerCells.Item2} | {o.P(0.5) / unfilteredP50:0.00} | {o.Rows:0.00} / {peerCells.Item3} | {o.Recall:0.000} / {peerCells.Item4} |");
}

if (oursLoad is not null || peerLoad is not null)
{
    var oursRate = oursLoad is null ? (double?)null : chunks / oursLoad.Value;
    var peerRate = peerLoad is null ? (double?)null : chunks / peerLoad.Value;
    var ratio = oursRate is not null && peerRate is not null ? $"{oursRate / peerRate:0.00}" : "-";
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"load of {chunks:N0} chunks, index included: ours {oursRate:N0} chunks/s ({oursLoad:N1} s), peer {peerRate:N0} chunks/s ({peerLoad:N1} s), ours/peer {ratio}");
}

if (incremental is not null)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"incremental upsert of 100 changed documents into {chunks:N0} chunks: {incremental * 1000:N0} ms");
}

Console.WriteLine();
Console.Write(report);

if (explain)
{
    foreach (var filter in filters)
    {
        var request = Request(warmup, filter);
        Console.WriteLine();
        Console.WriteLine($"EXPLAIN {filter.Name}:");
        foreach (var line in await ours.ExplainAsync(request, data.Queries[warmup], RetrievalKind.Vector, dataSource, default))
        {
            Console.WriteLine("    " + line);
        }
    }
}

peer?.Dispose();
return;

RetrievalRequest Request(int q, Filter filter) => new($"query {q.ToString(CultureInfo.InvariantCulture)}")
{
    TopK = topK,
    Filter = filter.Key is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [filter.Key] = filter.Value! },
};

async Task<(double Ms, string[] Ids)> OursAsync(int q, Filter filter)
{
    var request = Request(q, filter);
    var watch = Stopwatch.StartNew();
    var found = await ours.RetrieveAsync(request);
    var ms = watch.Elapsed.TotalMilliseconds;
    return (ms, [.. found.Select(r => r.DocumentId)]);
}

async Task<long> CountAsync(string table)
{
    await using var command = dataSource.CreateCommand($"SELECT CASE WHEN to_regclass('{table}') IS NULL THEN -1 ELSE (SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 10000000) t) END");
    try
    {
        return (long)(await command.ExecuteScalarAsync())!;
    }
    catch (PostgresException)
    {
        return -1;
    }
}

async Task ExecuteAsync(string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 0;
    await command.ExecuteNonQueryAsync();
}

internal sealed record Filter(string Name, string? Key, string? Value, double Share);

/// <summary>Latencies, rows and recall of one library under one filter.</summary>
internal sealed class Side
{
    private readonly List<double> _ms = [];
    private int _rows;
    private int _found;
    private int _expected;

    public double Rows => _ms.Count == 0 ? 0 : _rows / (double)_ms.Count;

    public double Recall => _expected == 0 ? 1 : _found / (double)_expected;

    public void Add(double ms, string[] ids, string[] exact)
    {
        _ms.Add(ms);
        _rows += ids.Length;
        _found += ids.Count(exact.Contains);
        _expected += exact.Length;
    }

    public double P(double quantile)
    {
        if (_ms.Count == 0)
        {
            return double.NaN;
        }

        var sorted = _ms.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];
    }
}

/// <summary>
/// The generated corpus: chunk i lies around one of 64 random centroids (0.6 centroid + 0.4 noise, unit length), like real
/// embeddings have neighbourhoods; queries are drawn the same way. Metadata: status=published for 9 in 10 rows, segment=s0..s9
/// (10 % each), tag=rare for 1 in 100, flag=on for 1 in 1,000.
/// </summary>
internal sealed class Corpus
{
    private Corpus(float[] vectors, int count, int dims, float[][] queries)
    {
        Vectors = vectors;
        Count = count;
        Dims = dims;
        Queries = queries;
    }

    public float[] Vectors { get; }

    public int Count { get; }

    public int Dims { get; }

    public float[][] Queries { get; }

    public static Corpus Generate(int count, int dims, int queries)
    {
        var random = new Random(42);
        var centroids = Enumerable.Range(0, 64).Select(_ => Unit(random, dims, null, 0)).ToArray();
        var vectors = new float[count * dims];
        for (var i = 0; i < count; i++)
        {
            Unit(random, dims, centroids[random.Next(64)], 0.6f).CopyTo(vectors, i * dims);
        }

        var queryVectors = Enumerable.Range(0, queries).Select(_ => Unit(random, dims, centroids[random.Next(64)], 0.6f)).ToArray();
        return new Corpus(vectors, count, dims, queryVectors);
    }

    public static Dictionary<string, string> Metadata(int i) => new()
    {
        ["status"] = i % 10 != 0 ? "published" : "draft",
        ["segment"] = "s" + (i % 10).ToString(CultureInfo.InvariantCulture),
        ["tag"] = i % 100 == 7 ? "rare" : "common",
        ["flag"] = i % 1000 == 13 ? "on" : "off",
    };

    public static string Content(int i, bool edited) => $"Chunk {i.ToString(CultureInfo.InvariantCulture)} of the generated corpus{(edited ? ", edited" : string.Empty)}.";

    public ReadOnlySpan<float> Vector(int i) => Vectors.AsSpan(i * Dims, Dims);

    /// <summary>The documents, one chunk each; <paramref name="edited"/> changes the content of the first that many.</summary>
    public IEnumerable<KnowledgeDocument> Documents(int edited = 0) => Enumerable.Range(0, edited > 0 ? edited : Count).Select(i =>
        new KnowledgeDocument("d" + i.ToString(CultureInfo.InvariantCulture), "doc " + i.ToString(CultureInfo.InvariantCulture), Content(i, edited > 0)) { Metadata = Metadata(i) });

    public string[] ExactTop(float[] query, int k, int[] eligible)
    {
        var heap = new PriorityQueue<int, float>();
        foreach (var i in eligible)
        {
            var score = TensorPrimitives.Dot(Vector(i), query);
            if (heap.Count < k)
            {
                heap.Enqueue(i, score);
            }
            else if (heap.TryPeek(out _, out var worst) && score > worst)
            {
                heap.DequeueEnqueue(i, score);
            }
        }

        return [.. heap.UnorderedItems.Select(e => "d" + e.Element.ToString(CultureInfo.InvariantCulture))];
    }

    private static float[] Unit(Random random, int dims, float[]? centroid, float weight)
    {
        var vector = new float[dims];
        for (var d = 0; d < dims; d++)
        {
            vector[d] = (float)((random.NextDouble() * 2) - 1);
        }

        // Unit noise, then unit centroid + noise mixed 0.6 / 0.4: members of a cluster have cosine ~0.7 with each other.
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        if (centroid is not null)
        {
            for (var d = 0; d < dims; d++)
            {
                vector[d] = (weight * centroid[d]) + ((1 - weight) * vector[d]);
            }

            TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        }

        return vector;
    }
}

/// <summary>"Embeds" by looking the vector up: chunk texts start with "doc i", queries are "query q". Vectors given, model not timed.</summary>
internal sealed class LookupEmbedder(Corpus corpus) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Lookup(v)))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("lookup", null, "lookup", corpus.Dims) : null;

    public void Dispose()
    {
    }

    private float[] Lookup(string text)
    {
        if (text.StartsWith("query ", StringComparison.Ordinal))
        {
            return corpus.Queries[int.Parse(text.AsSpan(6), CultureInfo.InvariantCulture)];
        }

        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return corpus.Vector(int.Parse(text.AsSpan(4, end - 4), CultureInfo.InvariantCulture)).ToArray();
    }
}

/// <summary>The LangChain.js side: node peer.mjs, one JSON request per line on stdin, one JSON answer per line on stdout.</summary>
internal sealed class Peer : IDisposable
{
    private readonly Process _process;

    private Peer(Process process) => _process = process;

    public static Peer Start(string script, string connectionString, Corpus corpus, int dims)
    {
        // The corpus goes over as files: float32 little-endian vectors, one metadata object per line (the generator stays in one place).
        var directory = Directory.CreateTempSubdirectory("hybridanswer-peer-");
        using (var vectors = File.Create(Path.Combine(directory.FullName, "vectors.f32")))
        {
            vectors.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(corpus.Vectors.AsSpan()));
        }

        using (var queries = File.Create(Path.Combine(directory.FullName, "queries.f32")))
        {
            foreach (var query in corpus.Queries)
            {
                queries.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(query.AsSpan()));
            }
        }

        File.WriteAllLines(Path.Combine(directory.FullName, "docs.jsonl"), Enumerable.Range(0, corpus.Count).Select(i =>
        {
            var metadata = Corpus.Metadata(i);
            metadata["doc"] = "d" + i.ToString(CultureInfo.InvariantCulture);
            return JsonSerializer.Serialize(new { text = Corpus.Content(i, false), metadata });
        }));

        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        start.Environment["PGHOST"] = builder.Host;
        start.Environment["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = builder.Username;
        start.Environment["PGDATABASE"] = builder.Database;
        start.Environment["PEER_DATA"] = directory.FullName;
        start.Environment["PEER_DIMS"] = dims.ToString(CultureInfo.InvariantCulture);
        var peer = new Peer(Process.Start(start)!);
        peer.Send(new { op = "init" });
        return peer;
    }

    public double Load() => Send(new { op = "load" }).GetProperty("seconds").GetDouble();

    public (double Ms, string[] Ids) Query(int q, Filter filter)
    {
        var answer = Send(new { op = "query", q, key = filter.Key, value = filter.Value, k = 5 });
        return (answer.GetProperty("ms").GetDouble(), [.. answer.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!)]);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            _process.WaitForExit(10_000);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private JsonElement Send(object request)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
        _process.StandardInput.Flush();
        var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The LangChain.js peer exited.");
        var answer = JsonDocument.Parse(line).RootElement;
        if (answer.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("peer: " + error.GetString());
        }

        return answer;
    }
}
