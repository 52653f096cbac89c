using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace HybridAnswer;

/// <summary>
/// The knowledge base's version as the answer cache sees it: a random stamp per tenant (every document of it), one per tenant and
/// metadata pair (the documents a filter on that pair can see), and one per tenant for changes whose metadata is unknown. An
/// answer's key contains the stamps of what it could read; a change replaces the stamps of what it touched, so exactly those
/// answers miss afterwards and no other. Stamps are random, never counters: a stamp evicted from the cache comes back as a new
/// value, so an eviction can cost a miss but never revive an old answer.
/// </summary>
internal sealed class KnowledgeVersions(HybridCache cache, string prefix, bool shared)
{
    // Long enough that a stamp outlives every answer keyed by it; an evicted stamp only costs misses.
    private static readonly TimeSpan StampLifetime = TimeSpan.FromDays(30);

    // With a distributed cache the stamps skip the in-process level: another node's change must be seen on the next answer.
    private readonly HybridCacheEntryOptions _entry = new()
    {
        Expiration = StampLifetime,
        LocalCacheExpiration = StampLifetime,
        Flags = shared ? HybridCacheEntryFlags.DisableLocalCache : null,
    };

    /// <summary>The stamps an answer in this scope depends on, joined.</summary>
    public async Task<string> StampsAsync(string? tenantId, IReadOnlyDictionary<string, string> filter, CancellationToken cancellationToken)
    {
        if (filter.Count == 0)
        {
            return await StampAsync(Key(tenantId, null, null), cancellationToken).ConfigureAwait(false);
        }

        var stamps = new StringBuilder(await StampAsync(Key(tenantId, "*", null), cancellationToken).ConfigureAwait(false));
        foreach (var (key, value) in filter.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            stamps.Append('|').Append(await StampAsync(Key(tenantId, key, value), cancellationToken).ConfigureAwait(false));
        }

        return stamps.ToString();
    }

    /// <summary>
    /// Records a change of a tenant's documents whose metadata pairs (before and after) are <paramref name="pairs"/>; with
    /// <paramref name="metadataUnknown"/>, of documents whose earlier metadata is not known, which every filtered answer could see.
    /// </summary>
    public async Task ChangedAsync(string? tenantId, IEnumerable<(string Key, string Value)> pairs, bool metadataUnknown, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { Key(tenantId, null, null) };
        if (metadataUnknown)
        {
            keys.Add(Key(tenantId, "*", null));
        }

        foreach (var (key, value) in pairs)
        {
            keys.Add(Key(tenantId, key, value));
        }

        foreach (var key in keys)
        {
            await cache.SetAsync(key, NewStamp(), _entry, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask<string> StampAsync(string key, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(key, static _ => ValueTask.FromResult(NewStamp()), _entry, cancellationToken: cancellationToken);

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    // Hashed: tenant ids and metadata values are arbitrary text, and a cache key has a length limit and a character set.
    private string Key(string? tenantId, string? key, string? value) =>
        $"{prefix}:v:{CacheKeys.Hash(tenantId is null ? "\u0001" : "t" + tenantId, key ?? "\u0001", value ?? "\u0001")}";
}
