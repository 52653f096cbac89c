using BenchmarkDotNet.Attributes;
using HybridAnswer.PgVector;
using Npgsql;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// pgvector ingestion with the library's binary COPY, embeddings precomputed (excluded): an initial bulk load of N chunks into an
/// empty table with the HNSW index built after the load and counted; and an incremental upsert of 1,000 new chunks into the
/// indexed N-chunk table, where every row enters the HNSW graph. The Throughput column gives chunks/s.
/// Needs <c>HYBRIDANSWER_TEST_CONNECTION</c>: run through benchmarks/run-pg.sh.
/// </summary>
[MemoryDiagnoser]
public class PgVectorIngestBenchmarks
{
    private const string BulkTable = "bench_bulk";
    private const string IncrementalTable = "bench_incremental";

    private NpgsqlDataSource _dataSource = null!;
    private PgVectorKnowledgeBase _bulk = null!;
    private PgVectorKnowledgeBase _incremental = null!;
    private List<KnowledgeDocument> _documents = null!;
    private List<KnowledgeDocument> _increment = null!;

    public static int Chunks => BenchmarkMode.IsShort ? 1_000 : 100_000;

    public static int IncrementChunks => BenchmarkMode.IsShort ? 100 : 1_000;

    [GlobalSetup]
    public void Setup()
    {
        _dataSource = PgVectorFixture.CreateDataSource();
        _documents = SyntheticCorpus.Documents(Chunks, clustered: true).ToList();
        _increment = SyntheticCorpus.Documents(IncrementChunks, seed: 99, clustered: true).Select(d => new KnowledgeDocument("new-" + d.Id, d.Title, d.Content) { Metadata = d.Metadata }).ToList();
        var embedder = PgVectorFixture.PrecomputedEmbedder(_documents.Concat(_increment), ExactSearchBenchmarks.Dimensions);
        _bulk = PgVectorFixture.Create(_dataSource, embedder, BulkTable, RetrievalKind.Vector);
        _incremental = PgVectorFixture.Create(_dataSource, embedder, IncrementalTable, RetrievalKind.Vector);
    }

    [IterationSetup(Target = nameof(IncrementalUpsert))]
    public void PrepareIncremental()
    {
        if (!PgVectorFixture.TableExists(_dataSource, IncrementalTable) || PgVectorFixture.Count(_dataSource, IncrementalTable) < Chunks)
        {
            PgVectorFixture.BulkLoad(_dataSource, _incremental, IncrementalTable, _documents);
        }

        _incremental.MigrateAsync().GetAwaiter().GetResult();
        _incremental.DeleteAsync(_increment.Select(d => d.Id)).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        PgVectorFixture.Drop(_dataSource, BulkTable);
        PgVectorFixture.Drop(_dataSource, IncrementalTable);
        _bulk.Dispose();
        _incremental.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark(Description = "initial load through UpsertAsync into an empty table (the library's bulk path: COPY, one HNSW build)")]
    [Throughput("chunks", nameof(Chunks))]
    public void BulkLoad() => PgVectorFixture.BulkLoad(_dataSource, _bulk, BulkTable, _documents);

    [Benchmark(Description = "incremental upsert of new chunks into the indexed table")]
    [Throughput("chunks", nameof(IncrementChunks))]
    public int IncrementalUpsert() => _incremental.UpsertAsync(_increment).GetAwaiter().GetResult().Added;
}
