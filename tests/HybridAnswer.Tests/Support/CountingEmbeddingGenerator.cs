using HybridAnswer;
using Microsoft.Extensions.AI;

namespace HybridAnswer.Tests;

/// <summary>A real hashing embedder that counts what it is asked to embed, and can be told to fail.</summary>
internal sealed class CountingEmbeddingGenerator(int dimensions = 64) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly HashingEmbeddingGenerator _inner = new(dimensions);
    private int _calls;
    private int _texts;

    public int Calls => _calls;

    public int Texts => _texts;

    /// <summary>When set, the next call whose inputs contain this text throws.</summary>
    public string? FailOn { get; set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values.ToList();
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _texts, list.Count);
        if (FailOn is { } fail && list.Any(v => v.Contains(fail, StringComparison.Ordinal)))
        {
            throw new HttpRequestException("embedding service unavailable");
        }

        return _inner.GenerateAsync(list, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

    public void Dispose() => _inner.Dispose();
}
