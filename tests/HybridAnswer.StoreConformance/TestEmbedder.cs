using Microsoft.Extensions.AI;

namespace HybridAnswer.StoreConformance;

/// <summary>
/// An embedding generator for tests: embeds with a function (the real hashing embedder, deterministic random vectors, or one the
/// test writes), counts calls, inputs and batch sizes, and fails on a chosen call as an embedding service outage would.
/// </summary>
public sealed class TestEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Func<IReadOnlyList<string>, IReadOnlyList<float[]>> _embed;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly List<int> _batchSizes = [];
    private int _calls;
    private int _inputs;

    /// <summary>Initializes an embedder that embeds each text with <paramref name="embed"/>.</summary>
    /// <param name="dimensions">The dimensions it reports in its metadata.</param>
    /// <param name="embed">The vector of one text.</param>
    public TestEmbedder(int dimensions, Func<string, float[]> embed)
        : this(dimensions, PerText(embed))
    {
    }

    private TestEmbedder(int dimensions, Func<IReadOnlyList<string>, IReadOnlyList<float[]>> embedBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentNullException.ThrowIfNull(embedBatch);
        _embed = embedBatch;
        _metadata = new EmbeddingGeneratorMetadata("test", null, "test", dimensions);
    }

    /// <summary>Gets the number of <see cref="GenerateAsync"/> calls so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets the number of texts embedded so far.</summary>
    public int Inputs => Volatile.Read(ref _inputs);

    /// <summary>Gets the number of texts of each call so far, in call order.</summary>
    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_batchSizes)
            {
                return [.. _batchSizes];
            }
        }
    }

    /// <summary>Gets or sets the 1-based call that throws <see cref="HttpRequestException"/>, simulating an outage mid-ingest.</summary>
    public int? FailOnCall { get; set; }

    /// <summary>Gets or sets a text that makes any call carrying it throw <see cref="HttpRequestException"/>.</summary>
    public string? FailOnText { get; set; }

    /// <summary>An embedder that embeds each call's texts with <paramref name="embedBatch"/> (which may return a wrong number of
    /// vectors, to test the store's checks).</summary>
    /// <param name="dimensions">The dimensions it reports in its metadata.</param>
    /// <param name="embedBatch">The vectors of one call's texts.</param>
    /// <returns>The embedder.</returns>
    public static TestEmbedder Batched(int dimensions, Func<IReadOnlyList<string>, IReadOnlyList<float[]>> embedBatch) => new(dimensions, embedBatch);

    /// <summary>An embedder of deterministic pseudo-random unit vectors, one per text: embeddings with no lexical relation to the text.</summary>
    /// <param name="dimensions">The dimensions of every vector.</param>
    /// <returns>The embedder.</returns>
    public static TestEmbedder Random(int dimensions) => new(dimensions, text => RandomVector(dimensions, StableSeed(text)));

    /// <summary>The real <see cref="HashingEmbeddingGenerator"/>, counted.</summary>
    /// <param name="dimensions">The dimensions of every vector.</param>
    /// <returns>The embedder.</returns>
    public static TestEmbedder Hashing(int dimensions = 64)
    {
        var hashing = new HashingEmbeddingGenerator(dimensions);
        return new(dimensions, hashing.Embed);
    }

    /// <summary>A pseudo-random unit vector, the same for the same seed.</summary>
    /// <param name="dimensions">The dimensions.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The vector.</returns>
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

    /// <summary>A seed from a text that is the same in every process (<see cref="string.GetHashCode()"/> is not).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The seed (FNV-1a).</returns>
    public static int StableSeed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
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

    /// <summary>The dot product of two vectors (their cosine, for unit vectors).</summary>
    /// <param name="a">One vector.</param>
    /// <param name="b">The other, as long.</param>
    /// <returns>The dot product.</returns>
    public static float Dot(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static Func<IReadOnlyList<string>, IReadOnlyList<float[]>> PerText(Func<string, float[]> embed)
    {
        ArgumentNullException.ThrowIfNull(embed);
        return texts => [.. texts.Select(embed)];
    }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var call = Interlocked.Increment(ref _calls);
        lock (_batchSizes)
        {
            _batchSizes.Add(texts.Count);
        }

        if (call == FailOnCall || (FailOnText is { } fail && texts.Any(t => t.Contains(fail, StringComparison.Ordinal))))
        {
            throw new HttpRequestException("The embedding service is unavailable (simulated).");
        }

        Interlocked.Add(ref _inputs, texts.Count);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var vector in _embed(texts))
        {
            result.Add(new Embedding<float>(vector));
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
