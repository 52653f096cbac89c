using Microsoft.Extensions.AI;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// Deterministic pseudo-random unit vectors seeded by a hash of the text: the same text always gets the same vector.
/// Fills a large knowledge base quickly, where the vector values do not matter to the cost of an exact search.
/// </summary>
public sealed class RandomEmbeddingGenerator(int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            embeddings.Add(new Embedding<float>(Vector(value, dimensions)));
        }

        return Task.FromResult(embeddings);
    }

    public static float[] Vector(string text, int dimensions)
    {
        var random = new Random(StableHash(text));
        var vector = new float[dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
        // Nothing to release.
    }

    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}
