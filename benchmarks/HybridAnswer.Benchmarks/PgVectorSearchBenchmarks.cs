using BenchmarkDotNet.Attributes;
using HybridAnswer.PgVector;
using Npgsql;
using Pgvector;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// pgvector retrieval at N chunks × 384 dimensions, top-5, with the query vector given (no embedding): HNSW vector search,
/// the same with a selective filter (<c>category</c>, 5 % of chunks), and hybrid (vector + full text fused by RRF in one
/// statement). The setup loads the table once and reuses it in later processes; it prints recall@5 against an exact scan.
/// Needs <c>HYBRIDANSWER_TEST_CONNECTION</c>: run through benchmarks/run-pg.sh.
/// </summary>
[MemoryDiagnoser]
public class PgVectorSearchBenchmarks
{
    private const int RecallQueries = 50;

    private NpgsqlDataSource _dataSource = null!;
    private PgVectorKnowledgeBase _vector = null!;
    private PgVectorKnowledgeBase _hybrid = null!;
    private float[] _query = null!;
    private RetrievalRequest _request = null!;
    private RetrievalRequest _filtered = null!;

    [ParamsSource(nameof(ChunkCounts))]
    public int Chunks { get; set; }

    public static IEnumerable<int> ChunkCounts => BenchmarkMode.IsShort ? [1_000] : [100_000];

    private string Table => $"bench_search_{Chunks}_clustered";

    [GlobalSetup]
    public void Setup()
    {
        _dataSource = PgVectorFixture.CreateDataSource();
        var documents = SyntheticCorpus.Documents(Chunks, clustered: true).ToList();
        var embedder = PgVectorFixture.PrecomputedEmbedder(documents, ExactSearchBenchmarks.Dimensions);
        _vector = PgVectorFixture.Create(_dataSource, embedder, Table, RetrievalKind.Vector);
        _hybrid = PgVectorFixture.Create(_dataSource, embedder, Table, RetrievalKind.Hybrid);

        // Each benchmark runs in its own process; the first one loads the table, the others find it complete.
        if (!PgVectorFixture.TableExists(_dataSource, Table) || PgVectorFixture.Count(_dataSource, Table) != Chunks)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            PgVectorFixture.BulkLoad(_dataSource, _vector, Table, documents);
            Console.WriteLine($"// pgvector setup: loaded {Chunks:N0} chunks and built HNSW in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:N1} s");
        }

        _vector.MigrateAsync().GetAwaiter().GetResult();
        _hybrid.MigrateAsync().GetAwaiter().GetResult();
        var query = SyntheticCorpus.Query(clustered: true);
        _query = PgVectorFixture.QueryVector(query);
        _request = new RetrievalRequest(query) { TopK = 5 };
        _filtered = _request with { Filter = new Dictionary<string, string>(StringComparer.Ordinal) { ["category"] = "c7" } };

        foreach (var (name, request, kind) in new[] { ("vector", _request, RetrievalKind.Vector), ("filtered", _filtered, RetrievalKind.Vector), ("hybrid", _request, RetrievalKind.Hybrid) })
        {
            foreach (var line in Explain(request, kind))
            {
                Console.WriteLine($"// plan {name}: {line}");
            }
        }

        Console.WriteLine($"// pgvector recall@5 vs exact scan, {RecallQueries} queries, {Chunks:N0} chunks: unfiltered {Recall(null)}, filtered category=c7 {Recall("c7")}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vector.Dispose();
        _hybrid.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark(Description = "pgvector HNSW top-5")]
    public int VectorSearch() => _vector.SearchAsync(_request, _query, RetrievalKind.Vector, CancellationToken.None).GetAwaiter().GetResult().Count;

    [Benchmark(Description = "pgvector HNSW top-5, filter category (5%)")]
    public int FilteredSearch() => _vector.SearchAsync(_filtered, _query, RetrievalKind.Vector, CancellationToken.None).GetAwaiter().GetResult().Count;

    [Benchmark(Description = "pgvector hybrid top-5 (HNSW + full text, RRF)")]
    public int HybridSearch() => _hybrid.SearchAsync(_request, _query, RetrievalKind.Hybrid, CancellationToken.None).GetAwaiter().GetResult().Count;

    private string Recall(string? category)
    {
        int found = 0, total = 0;
        for (var q = 0; q < RecallQueries; q++)
        {
            var text = SyntheticCorpus.Query(1000 + q, clustered: true);
            var vector = PgVectorFixture.QueryVector(text);
            var request = new RetrievalRequest(text) { TopK = 5 };
            if (category is not null)
            {
                request = request with { Filter = new Dictionary<string, string>(StringComparer.Ordinal) { ["category"] = category } };
            }

            var approximate = _vector.SearchAsync(request, vector, RetrievalKind.Vector, CancellationToken.None).GetAwaiter().GetResult().Select(r => r.DocumentId).ToHashSet();
            var exact = ExactTop5(vector, category);
            found += exact.Count(approximate.Contains);
            total += exact.Count;
        }

        // No matching chunk at all (tiny smoke-run corpora): recall is undefined, not 0.
        return total == 0 ? "n/a (no chunk matches)" : ((double)found / total).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
    }

    private List<string> ExactTop5(float[] vector, string? category)
    {
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var off = new NpgsqlCommand("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off", connection, transaction))
        {
            off.ExecuteNonQuery();
        }

        var where = category is null ? string.Empty : "WHERE metadata @> jsonb_build_object('category', $2::text)";
        using var command = new NpgsqlCommand($"SELECT document_id FROM {Table} {where} ORDER BY embedding <=> $1 LIMIT 5", connection, transaction);
        command.Parameters.AddWithValue(new Vector(vector));
        if (category is not null)
        {
            command.Parameters.AddWithValue(category);
        }

        var ids = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }

        transaction.Commit();
        return ids;
    }

    /// <summary>EXPLAIN ANALYZE of the library's own retrieval statement with the settings it uses (the same command object the store runs), for the log.</summary>
    private IReadOnlyList<string> Explain(RetrievalRequest request, RetrievalKind kind) =>
        (kind == RetrievalKind.Vector ? _vector : _hybrid).ExplainAsync(request, _query, kind, _dataSource, CancellationToken.None).GetAwaiter().GetResult();
}
