using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HybridAnswer.InMemory;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// Vector search through the public <see cref="InMemoryKnowledgeBase.RetrieveAsync"/> (validation, query embedding, snapshot,
/// eligible rows, scan, top-K, results), top-5 over N chunks × 384, next to what it is made of, so the gap between the API and
/// the memory's pace can be read off one run: the single-thread bandwidth baseline (<see cref="TensorPrimitives.Sum(ReadOnlySpan{float})"/>
/// over a matrix of the same N × 384 floats), the same read on two threads, a naive <see cref="TensorPrimitives.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
/// per row, the query embedding alone, and the store's search given the query vector. Ratio = time ÷ the single-thread
/// baseline; the targets are ≤ 1.15 unfiltered on one thread and &lt; 1.00 with both cores. Run it in one process so every row
/// shares one machine state and one knowledge base: <c>--filter '*InMemoryRetrieve*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class InMemoryRetrieveBenchmarks
{
    private const int Dimensions = 384;

    // Built once per process: ingesting 100,000 chunks takes a while, and every case reads the same knowledge base.
    private static (int Chunks, InMemoryKnowledgeBase Knowledge, InMemoryKnowledgeBaseOptions Options, float[] Matrix)? _cached;

    private InMemoryKnowledgeBaseOptions _options = null!;

    private InMemoryKnowledgeBase _knowledge = null!;
    private float[] _matrix = null!;
    private float[] _query = null!;
    private RetrievalRequest _request = null!;
    private RetrievalRequest _filtered90 = null!;
    private RetrievalRequest _filtered10 = null!;
    private RandomEmbeddingGenerator _embedder = null!;

    [ParamsSource(nameof(ChunkCounts))]
    public int Chunks { get; set; }

    public static IEnumerable<int> ChunkCounts => BenchmarkMode.IsShort ? [1_000] : [100_000];

    [GlobalSetup]
    public void Setup()
    {
        var query = SyntheticCorpus.Query();
        _embedder = new RandomEmbeddingGenerator(Dimensions);
        _query = RandomEmbeddingGenerator.Vector(query, Dimensions);
        _request = new RetrievalRequest(query) { TopK = 5 };
        _filtered90 = _request with { Filter = new Dictionary<string, string>(StringComparer.Ordinal) { ["status"] = "published" } };
        _filtered10 = _request with { Filter = new Dictionary<string, string>(StringComparer.Ordinal) { ["status"] = "draft" } };
        if (_cached is { } c && c.Chunks == Chunks)
        {
            (_knowledge, _options, _matrix) = (c.Knowledge, c.Options, c.Matrix);
            return;
        }

        _cached = null;
        // The store reads MaxSearchThreads on every search, so one knowledge base serves the one- and two-thread cases.
        _options = new InMemoryKnowledgeBaseOptions { RetrievalKind = RetrievalKind.Vector };
        _knowledge = new InMemoryKnowledgeBase(_embedder, options: _options);
        _knowledge.UpsertAsync(SyntheticCorpus.Documents(Chunks)).GetAwaiter().GetResult();
        if (_knowledge.ChunkCount != Chunks)
        {
            throw new InvalidOperationException($"Expected {Chunks} chunks, the knowledge base holds {_knowledge.ChunkCount}.");
        }

        // The baseline streams a matrix of exactly the size the search reads: the same vectors, row-major.
        _matrix = new float[Chunks * Dimensions];
        var i = 0;
        foreach (var document in SyntheticCorpus.Documents(Chunks))
        {
            RandomEmbeddingGenerator.Vector(document.Title + "\n" + document.Content, Dimensions).CopyTo(_matrix, i++ * Dimensions);
        }

        _cached = (Chunks, _knowledge, _options, _matrix);
    }

    [Benchmark(Baseline = true, Description = "bandwidth baseline: Sum over N x 384 floats, one thread")]
    public float BandwidthBaseline() => TensorPrimitives.Sum(_matrix);

    [Benchmark(Description = "bandwidth, two threads: Sum over each half")]
    public float BandwidthTwoThreads()
    {
        var half = _matrix.Length / 2;
        var task = Task.Run(() => TensorPrimitives.Sum(_matrix.AsSpan(half)));
        return TensorPrimitives.Sum(_matrix.AsSpan(0, half)) + task.GetAwaiter().GetResult();
    }

    [Benchmark(Description = "naive: TensorPrimitives.Dot per row, best score")]
    public float NaiveDotLoop()
    {
        var best = float.NegativeInfinity;
        for (var offset = 0; offset < _matrix.Length; offset += Dimensions)
        {
            best = Math.Max(best, TensorPrimitives.Dot(_matrix.AsSpan(offset, Dimensions), _query));
        }

        return best;
    }

    [Benchmark(Description = "query embedding alone")]
    public async Task<int> EmbedQuery() => (await _embedder.GenerateAsync([_request.Query])).Count;

    [Benchmark(Description = "store search, query vector given, one thread")]
    public int StoreSearch() => Threads(1)._knowledge.Search(_request, _query).Count;

    [Benchmark(Description = "RetrieveAsync, unfiltered, one thread")]
    public async Task<int> Retrieve() => (await Threads(1)._knowledge.RetrieveAsync(_request)).Count;

    [Benchmark(Description = "RetrieveAsync, status=published (90%), one thread")]
    public async Task<int> Retrieve90() => (await Threads(1)._knowledge.RetrieveAsync(_filtered90)).Count;

    [Benchmark(Description = "RetrieveAsync, status=draft (10%), one thread")]
    public async Task<int> Retrieve10() => (await Threads(1)._knowledge.RetrieveAsync(_filtered10)).Count;

    [Benchmark(Description = "RetrieveAsync, unfiltered, two threads")]
    public async Task<int> RetrieveTwoThreads() => (await Threads(2)._knowledge.RetrieveAsync(_request)).Count;

    [Benchmark(Description = "RetrieveAsync, status=published (90%), two threads")]
    public async Task<int> Retrieve90TwoThreads() => (await Threads(2)._knowledge.RetrieveAsync(_filtered90)).Count;

    [Benchmark(Description = "RetrieveAsync, status=draft (10%), two threads")]
    public async Task<int> Retrieve10TwoThreads() => (await Threads(2)._knowledge.RetrieveAsync(_filtered10)).Count;

    private InMemoryRetrieveBenchmarks Threads(int threads)
    {
        _options.MaxSearchThreads = threads;
        return this;
    }
}
