using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HybridAnswer.InMemory;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// In-memory exact search, top-5 over N chunks × 384 dimensions, next to the memory-bandwidth baseline: one pass of
/// <see cref="TensorPrimitives.Sum(ReadOnlySpan{float})"/> over a matrix of the same N × 384 floats. The Ratio column
/// is search time over baseline time; the search reaches ≥ 70 % of the bandwidth limit when the ratio is ≤ 1.43.
/// The query vector is given, so embedding is not measured here (see <see cref="EmbeddingBenchmarks"/>).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ExactSearchBenchmarks
{
    public const int Dimensions = 384;

    private InMemoryKnowledgeBase _vector = null!;
    private InMemoryKnowledgeBase _hybrid = null!;
    private float[] _matrix = null!;
    private float[] _query = null!;
    private RetrievalRequest _request = null!;
    private RetrievalRequest _filtered = null!;

    [ParamsSource(nameof(ChunkCounts))]
    public int Chunks { get; set; }

    public static IEnumerable<int> ChunkCounts => BenchmarkMode.IsShort ? [1_000] : [10_000, 100_000];

    // One setup per benchmark, so each process builds only the index it measures (100,000 chunks take a while to ingest).
    [GlobalSetup(Target = nameof(BandwidthBaseline))]
    public void SetupBaseline()
    {
        // The baseline streams a matrix of exactly the size the search reads: the same vectors, row-major.
        _matrix = new float[Chunks * Dimensions];
        var i = 0;
        foreach (var document in SyntheticCorpus.Documents(Chunks))
        {
            RandomEmbeddingGenerator.Vector(document.Title + "\n" + document.Content, Dimensions).CopyTo(_matrix, i++ * Dimensions);
        }
    }

    [GlobalSetup(Targets = [nameof(ExactSearch), nameof(ExactSearchFiltered)])]
    public void SetupVector() => _vector = Create(RetrievalKind.Vector);

    [GlobalSetup(Target = nameof(HybridSearch))]
    public void SetupHybrid() => _hybrid = Create(RetrievalKind.Hybrid);

    [Benchmark(Baseline = true, Description = "bandwidth baseline: Sum over N x 384 floats")]
    [BenchmarkCategory("search")]
    public float BandwidthBaseline() => TensorPrimitives.Sum(_matrix);

    [Benchmark(Description = "exact search top-5")]
    [BenchmarkCategory("search")]
    public int ExactSearch() => _vector.Search(_request, _query).Count;

    [Benchmark(Description = "exact search top-5, filter status=published (90%)")]
    [BenchmarkCategory("search")]
    public int ExactSearchFiltered() => _vector.Search(_filtered, _query).Count;

    [Benchmark(Description = "hybrid search top-5 (vector + BM25, RRF)")]
    [BenchmarkCategory("search")]
    public int HybridSearch() => _hybrid.Search(_request, _query).Count;

    private InMemoryKnowledgeBase Create(RetrievalKind kind)
    {
        var knowledge = new InMemoryKnowledgeBase(new RandomEmbeddingGenerator(Dimensions), options: new InMemoryKnowledgeBaseOptions { RetrievalKind = kind });
        knowledge.UpsertAsync(SyntheticCorpus.Documents(Chunks)).GetAwaiter().GetResult();
        if (knowledge.ChunkCount != Chunks)
        {
            throw new InvalidOperationException($"Expected {Chunks} chunks, the knowledge base holds {knowledge.ChunkCount}.");
        }

        var query = SyntheticCorpus.Query();
        _query = RandomEmbeddingGenerator.Vector(query, Dimensions);
        _request = new RetrievalRequest(query) { TopK = 5 };
        _filtered = _request with { Filter = new Dictionary<string, string>(StringComparer.Ordinal) { ["status"] = "published" } };
        return knowledge;
    }
}
