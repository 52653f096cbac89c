using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using HybridAnswer.Embeddings.MiniLM;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// The MiniLM embedder (HybridAnswer.Embeddings.MiniLM) on this machine: chunks of 256 word pieces (the model's input limit,
/// what the Markdown chunker fills), single questions, and a cold start (load the model, embed one question). Peak memory of
/// the process while embedding chunks is printed at the end of the chunk benchmark ("// peak working set").
/// </summary>
[MemoryDiagnoser]
public class MiniLMBenchmarks
{
    private const int Questions = 16;

    private MiniLMEmbeddingGenerator _embedder = null!;
    private string[] _chunks = null!;
    private string[] _questions = null!;

    public static int ChunkCount => BenchmarkMode.IsShort ? 2 : 64;

    public static int One => 1;

    [GlobalSetup]
    public void Setup()
    {
        _embedder = new MiniLMEmbeddingGenerator();
        _chunks = [.. ChunkTexts(_embedder, ChunkCount)];
        _questions = Enumerable.Range(0, Questions).Select(i => $"How long do I have to return a kettle I bought {i + 2} weeks ago?").ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
        _embedder.Dispose();
    }

    [Benchmark(Description = "MiniLM, 256-token chunks (batches of 16)")]
    [Throughput("chunks", nameof(ChunkCount))]
    public async Task<int> EmbedChunks() => (await _embedder.GenerateAsync(_chunks)).Count;

    [Benchmark(OperationsPerInvoke = Questions, Description = "MiniLM, one question")]
    [Throughput("questions", nameof(One))]
    public async Task<int> EmbedQuestion()
    {
        var count = 0;
        foreach (var question in _questions)
        {
            count += (await _embedder.GenerateAsync([question])).Count;
        }

        return count;
    }

    [Benchmark(Description = "MiniLM cold start: load + one question")]
    public async Task<int> ColdStart()
    {
        using var embedder = new MiniLMEmbeddingGenerator();
        return (await embedder.GenerateAsync(["How do I return an item?"]))[0].Vector.Length;
    }

    /// <summary>Texts of 254 word pieces (256 with [CLS] and [SEP]) cut from the sample knowledge base, each different.</summary>
    internal static IEnumerable<string> ChunkTexts(MiniLMEmbeddingGenerator embedder, int count)
    {
        var words = string.Join(' ', SampleKnowledge.ChunkTexts()).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var text = new System.Text.StringBuilder();
            var length = 0;
            while (length < 40)
            {
                text.Append(words[start++ % words.Length]).Append(' ');
                length++;
            }

            while (embedder.CountTokens(text.ToString() + words[start % words.Length]) <= MiniLMEmbeddingGenerator.DefaultMaxTokens)
            {
                text.Append(words[start++ % words.Length]).Append(' ');
            }

            yield return text.ToString().Trim();
        }
    }
}
