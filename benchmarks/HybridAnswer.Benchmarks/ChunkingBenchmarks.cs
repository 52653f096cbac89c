using BenchmarkDotNet.Attributes;

namespace HybridAnswer.Benchmarks;

/// <summary>Chunking the whole sample knowledge base (Markdown, default 1,200-character chunks, 150 overlap); the Throughput column gives MB/s of content.</summary>
[MemoryDiagnoser]
public class ChunkingBenchmarks
{
    private readonly DocumentChunker _chunker = new(new ChunkingOptions());
    private KnowledgeDocument[] _documents = null!;
    private KnowledgeDocument _large = null!;

    public static double SampleMegabytes => SampleKnowledge.ContentBytes / 1e6;

    /// <summary>The sample knowledge base concatenated 20 times into one document: long sections exercise the splitting path.</summary>
    public static double LargeMegabytes => System.Text.Encoding.UTF8.GetByteCount(LargeContent()) / 1e6;

    [GlobalSetup]
    public void Setup()
    {
        _documents = [.. SampleKnowledge.Documents];
        _large = new KnowledgeDocument("large", "Large", LargeContent());
    }

    [Benchmark(Description = "chunk the sample knowledge base (18 documents)")]
    [Throughput("MB", nameof(SampleMegabytes))]
    public int ChunkSampleKnowledgeBase()
    {
        var count = 0;
        foreach (var document in _documents)
        {
            count += _chunker.Chunk(document).Count;
        }

        return count;
    }

    [Benchmark(Description = "chunk one 1 MB document")]
    [Throughput("MB", nameof(LargeMegabytes))]
    public int ChunkLargeDocument() => _chunker.Chunk(_large).Count;

    [Benchmark(Description = "content hash (SHA-256) of the sample knowledge base")]
    [Throughput("MB", nameof(SampleMegabytes))]
    public int HashSampleKnowledgeBase()
    {
        var length = 0;
        foreach (var document in _documents)
        {
            length += _chunker.ContentHash(document).Length;
        }

        return length;
    }

    private static string LargeContent() =>
        string.Join("\n\n", Enumerable.Repeat(0, 20).SelectMany(_ => SampleKnowledge.Documents.Select(d => d.Content)));
}
