using BenchmarkDotNet.Attributes;
using HybridAnswer.InMemory;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// <see cref="HybridAnswerer.AnswerAsync"/> end to end on the sample knowledge base (in memory, top-5) with a chat model
/// that answers instantly: what the library itself costs per answer. "Library overhead" memoizes the query embedding,
/// so it is everything but the models and the database (the target: under 200 µs); the other rows add the local
/// hashing embedder or swap in the embedded extractive generator.
/// </summary>
[MemoryDiagnoser]
public class AnswerBenchmarks
{
    public const string Question = "How long do I have to return a kettle I bought three weeks ago?";

    private HybridAnswerer _overhead = null!;
    private HybridAnswerer _withHashing = null!;
    private HybridAnswerer _extractive = null!;

    [GlobalSetup]
    public void Setup()
    {
        var chat = new ZeroLatencyChatClient("Unused items can be returned within 30 days of delivery for a full refund [1].");
        var generator = new ChatClientGenerator(chat, "gpt-4o-mini");
        var options = Options.Create(new HybridAnsweringOptions());

        var memoized = new InMemoryKnowledgeBase(new MemoizingEmbeddingGenerator(new HashingEmbeddingGenerator()));
        var hashing = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        foreach (var knowledge in new[] { memoized, hashing })
        {
            knowledge.UpsertAsync(SampleKnowledge.Documents).GetAwaiter().GetResult();
        }

        _overhead = new HybridAnswerer(memoized, generator, options);
        _withHashing = new HybridAnswerer(hashing, generator, options);
        _extractive = new HybridAnswerer(hashing, new ExtractiveGenerator(), options);

        foreach (var answerer in new[] { _overhead, _withHashing })
        {
            var answer = answerer.AnswerAsync(Question).GetAwaiter().GetResult();
            if (!answer.Answered || answer.Sources.Count != 5 || answer.Citations.Count != 1)
            {
                throw new InvalidOperationException($"The benchmark question must be answered from 5 sources with 1 citation; got answered={answer.Answered}, {answer.Sources.Count} sources, {answer.Citations.Count} citations.");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "AnswerAsync, library overhead (memoized query embedding, zero-latency chat)")]
    public Task<Answer> LibraryOverhead() => _overhead.AnswerAsync(Question);

    [Benchmark(Description = "AnswerAsync, hashing embedder + zero-latency chat")]
    public Task<Answer> WithHashingEmbedder() => _withHashing.AnswerAsync(Question);

    [Benchmark(Description = "AnswerAsync, hashing embedder + extractive generator (offline default)")]
    public Task<Answer> WithExtractiveGenerator() => _extractive.AnswerAsync(Question);
}
