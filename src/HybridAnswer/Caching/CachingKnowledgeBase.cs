using System.Globalization;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace HybridAnswer;

/// <summary>
/// The <see cref="IKnowledgeBase"/> a host with <c>UseCaching()</c> writes through: after every write that changed something it
/// renews the <see cref="KnowledgeVersions"/> stamps of the tenant and of every metadata pair the changed documents had before or
/// have now, so the cached answers that could see those documents miss, and answers under other filters or tenants stay. It
/// remembers each document's metadata pairs for that (deletes name only ids); a document whose earlier pairs it does not know
/// (written elsewhere, or its entry evicted) renews the tenant's "unknown" stamp, which every filtered answer of the tenant carries.
/// </summary>
internal sealed class CachingKnowledgeBase(IKnowledgeBase inner, HybridCache cache, KnowledgeVersions versions, string prefix, bool shared) : IKnowledgeBase
{
    private readonly HybridCacheEntryOptions _entry = new()
    {
        Expiration = TimeSpan.FromDays(30),
        LocalCacheExpiration = TimeSpan.FromDays(30),
        Flags = shared ? HybridCacheEntryFlags.DisableLocalCache : null,
    };

    private readonly HybridCacheEntryOptions _readOnly = new()
    {
        Expiration = TimeSpan.FromDays(30),
        LocalCacheExpiration = TimeSpan.FromDays(30),
        Flags = HybridCacheEntryFlags.DisableUnderlyingData | (shared ? HybridCacheEntryFlags.DisableLocalCache : HybridCacheEntryFlags.None),
    };

    /// <summary>Gets the knowledge base written through.</summary>
    public IKnowledgeBase Inner => inner;

    public async Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var batch = documents.ToList();
        var result = await inner.UpsertAsync(batch, cancellationToken).ConfigureAwait(false);
        if (result.Added + result.Updated == 0)
        {
            return result;
        }

        // The store says how many changed, not which: every document of the batch counts as changed (an unchanged one only
        // costs the answers that filter on its pairs a miss). Its earlier pairs are unknown only when some document was updated.
        // The edit is already visible: the versions move even when the caller cancels now.
        foreach (var tenant in batch.GroupBy(d => d.TenantId))
        {
            var pairs = new HashSet<(string, string)>();
            var unknown = false;
            foreach (var document in tenant)
            {
                var earlier = await RememberedAsync(tenant.Key, document.Id).ConfigureAwait(false);
                unknown |= earlier is null && result.Updated > 0;
                pairs.UnionWith(earlier ?? []);
                pairs.UnionWith(PairsOf(document));
            }

            await versions.ChangedAsync(tenant.Key, pairs, unknown, CancellationToken.None).ConfigureAwait(false);
            foreach (var document in tenant)
            {
                await cache.SetAsync(DocumentKey(tenant.Key, document.Id), Encode(PairsOf(document)), _entry, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
        }

        return result;
    }

    public async Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        var ids = documentIds.ToList();
        var deleted = await inner.DeleteAsync(ids, tenantId, cancellationToken).ConfigureAwait(false);
        if (deleted == 0)
        {
            return deleted;
        }

        var pairs = new HashSet<(string, string)>();
        var unknown = false;
        foreach (var id in ids.Where(i => i is not null).Distinct(StringComparer.Ordinal))
        {
            var earlier = await RememberedAsync(tenantId, id).ConfigureAwait(false);
            unknown |= earlier is null;
            pairs.UnionWith(earlier ?? []);
        }

        await versions.ChangedAsync(tenantId, pairs, unknown, CancellationToken.None).ConfigureAwait(false);
        foreach (var id in ids.Where(i => i is not null).Distinct(StringComparer.Ordinal))
        {
            await cache.RemoveAsync(DocumentKey(tenantId, id), CancellationToken.None).ConfigureAwait(false);
        }

        return deleted;
    }

    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        inner.ListDocumentIdsAsync(tenantId, cancellationToken);

    public Task<long> CountAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        inner.CountAsync(tenantId, cancellationToken);

    /// <summary>The pairs a filter could match the document by: each single value, and each value of a multi-valued key (matched by membership).</summary>
    private static IEnumerable<(string Key, string Value)> PairsOf(KnowledgeDocument document) =>
        document.Metadata.Select(p => (p.Key, p.Value))
            .Concat(document.MultiValuedMetadata.SelectMany(p => p.Value.Select(v => (p.Key, v))));

    private async Task<IReadOnlyList<(string, string)>?> RememberedAsync(string? tenantId, string id)
    {
        var encoded = await cache.GetOrCreateAsync(DocumentKey(tenantId, id), static _ => ValueTask.FromResult<string?>(null), _readOnly, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return encoded is null ? null : Decode(encoded);
    }

    private string DocumentKey(string? tenantId, string id) => $"{prefix}:d:{CacheKeys.Hash(tenantId, id)}";

    // Length-prefixed, so any character may appear in a key or a value.
    private static string Encode(IEnumerable<(string Key, string Value)> pairs)
    {
        var text = new StringBuilder("p");
        foreach (var (key, value) in pairs)
        {
            text.Append(key.Length).Append(':').Append(key).Append(value.Length).Append(':').Append(value);
        }

        return text.ToString();
    }

    private static List<(string, string)> Decode(string encoded)
    {
        var pairs = new List<(string, string)>();
        var position = 1;
        while (position < encoded.Length)
        {
            var key = Next(encoded, ref position);
            var value = Next(encoded, ref position);
            pairs.Add((key, value));
        }

        return pairs;

        static string Next(string text, ref int position)
        {
            var colon = text.IndexOf(':', position);
            var length = int.Parse(text.AsSpan(position, colon - position), NumberStyles.None, CultureInfo.InvariantCulture);
            position = colon + 1 + length;
            return text.Substring(colon + 1, length);
        }
    }
}
