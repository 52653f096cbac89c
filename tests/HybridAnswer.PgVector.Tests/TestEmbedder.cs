using Microsoft.Extensions.AI;

namespace HybridAnswer.PgVector.Tests;

/// <summary>An embedding generator for tests: embeds with a function, counts calls and inputs, and fails on a chosen call.</summary>
internal sealed class TestEmbedder(int dimensions, Func<string, float[]> embed) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("test", null, "test", dimensions);
    private int _calls;
    private int _inputs;

    /// <summary>Gets the number of GenerateAsync calls so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets the number of texts embedded so far.</summary>
    public int Inputs => Volatile.Read(ref _inputs);

    /// <summary>Gets or sets the 1-based call that throws, simulating an embedding service outage mid-ingest.</summary>
    public int? FailOnCall { get; set; }

    /// <summary>A deterministic pseudo-random unit vector per text: embeddings with no lexical relation to the text.</summary>
    public static TestEmbedder Random(int dimensions) => new(dimensions, text => RandomVector(dimensions, StableSeed(text)));

    /// <summary>Wraps the real hashing embedder, counting calls.</summary>
    public static TestEmbedder Hashing(int dimensions = 64)
    {
        var hashing = new HashingEmbeddingGenerator(dimensions);
        return new(dimensions, hashing.Embed);
    }

    public static float[] RandomVector(int dimensions, int seed)
    {
        var random = new System.Random(seed);
        var vector = new float[dimensions];
        double norm = 0;
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
            norm += vector[i] * vector[i];
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }

    public static int StableSeed(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        if (call == FailOnCall)
        {
            throw new HttpRequestException("The embedding service is unavailable (simulated).");
        }

        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            Interlocked.Increment(ref _inputs);
            result.Add(new Embedding<float>(embed(value)));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}
