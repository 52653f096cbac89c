using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HybridAnswer.InMemory;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// In-memory exact search, top-5 over N chunks × 384 dimensions, next to the memory-bandwidth baseline: one pass of
/// <see cref="TensorPrimitives.Sum(ReadOnlySpan{float})"/> over a matrix of the same N × 384 floats. The Ratio column
/// is search time over baseline time; the search reaches ≥ 85 % of the bandwidth limit when the ratio is ≤ 1.18, and a
/// filter must never make the ratio higher than the unfiltered search's. Filters: <c>status=published</c> (90 % of the
/// rows), <c>status=draft</c> (10 %), <c>tag=rare</c> (1 %) and <c>status=published</c> + <c>category=c3</c> (4.5 %,
/// two posting lists intersected). The query vector is given, so embedding is not measured here (see
/// <see cref="EmbeddingBenchmarks"/>). Run it in one process so every row shares one machine state:
/// <c>--filter '*ExactSearch*' --job short --inProcess</c>; the knowledge bases are then built once and shared.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ExactSearchBenchmarks
{
    public const int Dimensions = 384;

    // In process every benchmark case runs its own global setup; ingesting 100,000 chunks takes a while, so the last
    // knowledge base built is kept (one at a time: each holds ~0.5 GB at 100,000 chunks).
    private static (int Chunks, RetrievalKind Kind, InMemoryKnowledgeBase Knowledge)? _cached;

    private InMemoryKnowledgeBase _knowledge = null!;
    private float[] _matrix = null!;
    private float[] _query = null!;
    private RetrievalRequest _request = null!;

    [ParamsSource(nameof(ChunkCounts))]
    public int Chunks { get; set; }

    public static IEnumerable<int> ChunkCounts => BenchmarkMode.IsShort ? [1_000] : [100_000];

    // One setup per benchmark, so each process builds only the index it measures.
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

    [GlobalSetup(Targets = [nameof(ExactSearch), nameof(Filtered90), nameof(Filtered10), nameof(Filtered1), nameof(FilteredTwoKeys)])]
    public void SetupVector() => Create(RetrievalKind.Vector);

    [GlobalSetup(Target = nameof(HybridSearch))]
    public void SetupHybrid() => Create(RetrievalKind.Hybrid);

    [Benchmark(Baseline = true, Description = "bandwidth baseline: Sum over N x 384 floats")]
    [BenchmarkCategory("search")]
    public float BandwidthBaseline() => TensorPrimitives.Sum(_matrix);

    [Benchmark(Description = "exact search top-5")]
    [BenchmarkCategory("search")]
    public int ExactSearch() => _knowledge.Search(_request, _query).Count;

    [Benchmark(Description = "exact top-5, filter status=published (90%)")]
    [BenchmarkCategory("search")]
    public int Filtered90() => Search("status", "published");

    [Benchmark(Description = "exact top-5, filter status=draft (10%)")]
    [BenchmarkCategory("search")]
    public int Filtered10() => Search("status", "draft");

    [Benchmark(Description = "exact top-5, filter tag=rare (1%)")]
    [BenchmarkCategory("search")]
    public int Filtered1() => Search("tag", "rare");

    [Benchmark(Description = "exact top-5, filter status=published + category=c3 (4.5%)")]
    [BenchmarkCategory("search")]
    public int FilteredTwoKeys() => Search("status", "published", "category", "c3");

    [Benchmark(Description = "hybrid search top-5 (vector + BM25, RRF)")]
    [BenchmarkCategory("search")]
    public int HybridSearch() => _knowledge.Search(_request, _query).Count;

    private int Search(string key, string value, string? key2 = null, string? value2 = null)
    {
        var filter = new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value };
        if (key2 is not null)
        {
            filter[key2] = value2!;
        }

        return _knowledge.Search(_request with { Filter = filter }, _query).Count;
    }

    private void Create(RetrievalKind kind)
    {
        var query = SyntheticCorpus.Query();
        _query = RandomEmbeddingGenerator.Vector(query, Dimensions);
        _request = new RetrievalRequest(query) { TopK = 5 };
        if (_cached is { } c && c.Chunks == Chunks && c.Kind == kind)
        {
            _knowledge = c.Knowledge;
            return;
        }

        _cached = null;
        _knowledge = new InMemoryKnowledgeBase(new RandomEmbeddingGenerator(Dimensions), options: new InMemoryKnowledgeBaseOptions { RetrievalKind = kind });
        // The corpus plus a 1 % key; the vectors are those of the baseline (title + content).
        var documents = SyntheticCorpus.Documents(Chunks).Select((d, i) => d with
        {
            Metadata = new Dictionary<string, string>(d.Metadata, StringComparer.Ordinal) { ["tag"] = i % 100 == 7 ? "rare" : "common" },
        });
        _knowledge.UpsertAsync(documents).GetAwaiter().GetResult();
        if (_knowledge.ChunkCount != Chunks)
        {
            throw new InvalidOperationException($"Expected {Chunks} chunks, the knowledge base holds {_knowledge.ChunkCount}.");
        }

        _cached = (Chunks, kind, _knowledge);
    }
}
