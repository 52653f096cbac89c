using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// Computes each text's embedding once with an inner generator and then returns it from memory: stands in for an
/// embedding model whose latency is excluded, so an end-to-end benchmark measures only the library's own work.
/// </summary>
public sealed class MemoizingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ConcurrentDictionary<string, Embedding<float>> _cache = new(StringComparer.Ordinal);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            if (!_cache.TryGetValue(value, out var embedding))
            {
                embedding = (await inner.GenerateAsync([value], options, cancellationToken).ConfigureAwait(false))[0];
                _cache[value] = embedding;
            }

            result.Add(embedding);
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();
}
