using BenchmarkDotNet.Attributes;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// The hashing embedder: the sample knowledge base's chunks (title + content, as the knowledge base embeds them) and
/// a typical question. The Throughput column gives texts/s.
/// </summary>
[MemoryDiagnoser]
public class EmbeddingBenchmarks
{
    private const int Repeat = 8;

    private readonly HashingEmbeddingGenerator _embedder = new();
    private string[] _chunks = null!;
    private string[] _questions = null!;

    public static int ChunkCount => SampleKnowledge.ChunkTexts().Count;

    public static int One => 1;

    [GlobalSetup]
    public void Setup()
    {
        _chunks = [.. SampleKnowledge.ChunkTexts()];
        _questions = Enumerable.Repeat("How long do I have to return a kettle I bought three weeks ago?", Repeat).ToArray();
    }

    [Benchmark(Description = "hashing embedder, all sample chunks")]
    [Throughput("texts", nameof(ChunkCount))]
    public float EmbedChunk()
    {
        float sum = 0;
        foreach (var text in _chunks)
        {
            sum += _embedder.Embed(text)[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Repeat, Description = "hashing embedder, one question")]
    [Throughput("texts", nameof(One))]
    public float EmbedQuestion()
    {
        float sum = 0;
        foreach (var text in _questions)
        {
            sum += _embedder.Embed(text)[0];
        }

        return sum;
    }
}
