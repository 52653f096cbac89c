using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Hybrid;

namespace HybridAnswer;

/// <summary>
/// Keeps embeddings in the host's <see cref="HybridCache"/>, one entry per text, keyed by the model id, the dimensions and the text
/// (and the per-call model and dimensions, when a call sets them): a repeated question, and unchanged text ingested again, are not
/// embedded again; a batch embeds only its misses, in one call. Entries are the raw floats, not JSON.
/// </summary>
internal sealed class CachingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private const string Kind = "embedding";

    private readonly HybridCache _cache;
    private readonly string _prefix;
    private readonly string _model;
    private readonly string? _modelId;
    private readonly HybridCacheEntryOptions _entry;
    private readonly HybridCacheEntryOptions _readOnly;

    public CachingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, HybridCache cache, HybridAnswerCachingOptions options)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        _cache = cache;
        _prefix = options.KeyPrefix;
        var metadata = inner.GetService<EmbeddingGeneratorMetadata>();

        // Without a reported model id the generator's type stands in: two unnamed models of one type share entries only if
        // they are the same model, which a host running two of them must name. The provider's name is in the key too: two
        // providers of one model may read text differently (a provider that changes how it does renames itself).
        _modelId = metadata?.DefaultModelId;
        _model = $"{metadata?.ProviderName}/{metadata?.DefaultModelId ?? inner.GetType().FullName}/{metadata?.DefaultModelDimensions}";
        _entry = new HybridCacheEntryOptions { Expiration = options.EmbeddingExpiration, LocalCacheExpiration = options.EmbeddingExpiration };
        _readOnly = new HybridCacheEntryOptions { Expiration = options.EmbeddingExpiration, LocalCacheExpiration = options.EmbeddingExpiration, Flags = HybridCacheEntryFlags.DisableUnderlyingData };
    }

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var keys = texts.Select(t => $"{_prefix}:e:{CacheKeys.Hash(_model, options?.ModelId, options?.Dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture), t)}").ToList();
        var vectors = new float[]?[texts.Count];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            var cached = await _cache.GetOrCreateAsync(keys[i], static _ => ValueTask.FromResult<byte[]?>(null), _readOnly, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (cached is { Length: > 0 } && cached.Length % sizeof(float) == 0)
            {
                vectors[i] = MemoryMarshal.Cast<byte, float>(cached).ToArray();
            }
            else
            {
                missing.Add(i);
            }
        }

        Telemetry.CacheHits.Add(texts.Count - missing.Count, new KeyValuePair<string, object?>(Telemetry.CacheTag, Kind));
        if (missing.Count > 0)
        {
            Telemetry.CacheMisses.Add(missing.Count, new KeyValuePair<string, object?>(Telemetry.CacheTag, Kind));

            // Duplicates within one call are embedded once.
            var distinct = missing.DistinctBy(i => keys[i]).ToList();
            var embedded = await base.GenerateAsync(distinct.Select(i => texts[i]), options, cancellationToken).ConfigureAwait(false);
            if (embedded.Count != distinct.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embedded.Count} embeddings for {distinct.Count} inputs.");
            }

            var fresh = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (var j = 0; j < distinct.Count; j++)
            {
                var vector = embedded[j].Vector.ToArray();
                fresh[keys[distinct[j]]] = vector;
                await _cache.SetAsync(keys[distinct[j]], MemoryMarshal.AsBytes(vector.AsSpan()).ToArray(), _entry, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            foreach (var i in missing)
            {
                vectors[i] = fresh[keys[i]];
            }
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        result.AddRange(vectors.Select(v => new Embedding<float>(v!) { ModelId = _modelId }));
        return result;
    }
}
