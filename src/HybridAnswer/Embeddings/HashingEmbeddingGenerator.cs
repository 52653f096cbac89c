using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace HybridAnswer;

/// <summary>
/// A local, deterministic embedder: word, word-pair and character n-gram features hashed into a fixed
/// number of signed dimensions (the "hashing trick"), then L2-normalised. It needs no model file and no
/// network, so the whole pipeline runs offline. It is lexical — it finds shared words and word forms,
/// not synonyms or paraphrases; replace it with a real embedding model in production.
/// </summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id reported in metadata and on every embedding.</summary>
    public const string ModelId = "hashing-ngram-v1";

    /// <summary>The default number of dimensions.</summary>
    public const int DefaultDimensions = 384;

    private const float WordWeight = 1.0f;
    private const float PairWeight = 0.6f;
    private const float CharGramWeight = 0.2f;

    private const ulong Seed = 14695981039346656037UL;

    private static readonly ulong CharGramSeed = Fnv1a(Seed, "c:");

    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Initializes a new embedder.</summary>
    /// <param name="dimensions">The vector length (16–4096).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is outside 16–4096.</exception>
    public HashingEmbeddingGenerator(int dimensions = DefaultDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 4096);
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("hybridanswer-hashing", null, ModelId, dimensions);
    }

    /// <summary>Gets the vector length.</summary>
    public int Dimensions { get; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            embeddings.Add(new Embedding<float>(Embed(value)) { ModelId = ModelId });
        }

        return Task.FromResult(embeddings);
    }

    /// <summary>Embeds one text synchronously.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A unit-length vector, or all zeros for a text without content words.</returns>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[Dimensions];
        var terms = TextAnalyzer.Terms(text);
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            Add(vector, Fnv1a(Fnv1a(Seed, "w:"), term), WordWeight);
            if (i + 1 < terms.Count)
            {
                Add(vector, Fnv1a(Fnv1a(Fnv1a(Fnv1a(Seed, "p:"), term), " "), terms[i + 1]), PairWeight);
            }

            // Character n-grams of the padded term catch shared word parts (model codes, compounds, typos).
            // Hashed piece by piece: the same values as hashing "c:" + gram, without a string per n-gram.
            var padded = "<" + term + ">";
            for (var n = 3; n <= 5; n++)
            {
                for (var start = 0; start + n <= padded.Length; start++)
                {
                    Add(vector, Fnv1a(CharGramSeed, padded.AsSpan(start, n)), CharGramWeight);
                }
            }
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing to release: the embedder holds no unmanaged resources.
    }

    private static void Add(float[] vector, ulong state, float weight)
    {
        var hash = Finish(state);
        var index = (int)(hash % (ulong)vector.Length);
        vector[index] += (hash >> 63) == 0 ? weight : -weight;
    }

    // FNV-1a: stable across processes and platforms, unlike string.GetHashCode. Fed in pieces, so a feature's prefix and
    // text need not be joined into a new string first.
    private static ulong Fnv1a(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    // Final avalanche so the low bits used for the index and the top bit used for the sign are independent.
    private static ulong Finish(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }
}
