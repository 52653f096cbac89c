using System.Linq.Expressions;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HybridAnswer.Storage;
using Microsoft.Extensions.VectorData;

namespace HybridAnswer.VectorData;

/// <summary>
/// A Microsoft.Extensions.VectorData collection of <see cref="KnowledgeChunkRecord"/>s as a HybridAnswer chunk store (the public
/// store seam): records map one chunk each, the request's tenant and metadata filter become the collection's LINQ filter
/// (<c>r =&gt; r.TenantId == t &amp;&amp; r.Tags.Contains("k=v")</c>, applied by the connector before top-K), and a collection that offers
/// <see cref="IKeywordHybridSearchable{TRecord}"/> finds candidates by vector and full text together, which the store ranks the way
/// the in-memory and PostgreSQL stores rank hybrid results (BM25 and cosine, score-weighted reciprocal rank fusion). There is no
/// keyword-only search (VectorData has none). Scores are always the cosine of query and chunk (computed from the returned
/// vectors), so the relevance floor means the same as on every other store.
/// </summary>
/// <remarks>
/// Declared, because VectorData has no transactions and no count: a replace is not atomic (new chunks are written, then the old
/// surplus removed — a search in between may see both versions' chunks), and documents are counted by listing them.
/// </remarks>
public sealed class VectorDataChunkStore : IChunkStore
{
    private readonly VectorStoreCollection<string, KnowledgeChunkRecord> _collection;
    private readonly IKeywordHybridSearchable<KnowledgeChunkRecord>? _hybrid;
    private readonly VectorDataChunkStoreOptions _options;
    private int? _dimensions;

    /// <summary>Initializes a store over a collection created with <see cref="KnowledgeChunkRecord.CreateDefinition"/>.</summary>
    /// <param name="collection">The collection; the caller creates it (<c>EnsureCollectionExistsAsync</c>) and owns it.</param>
    /// <param name="options">The options; <see cref="VectorDataChunkStoreOptions.Dimensions"/> is required.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range (the message names its key).</exception>
    public VectorDataChunkStore(VectorStoreCollection<string, KnowledgeChunkRecord> collection, VectorDataChunkStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(new VectorDataChunkStoreOptionsValidator(), options);
        _collection = collection;
        _options = options;
        _dimensions = options.Dimensions;
        _hybrid = options.UseHybridSearch
            ? collection as IKeywordHybridSearchable<KnowledgeChunkRecord> ?? collection.GetService(typeof(IKeywordHybridSearchable<KnowledgeChunkRecord>)) as IKeywordHybridSearchable<KnowledgeChunkRecord>
            : null;
    }

    /// <inheritdoc />
    public ChunkStoreCapabilities Capabilities =>
        ChunkStoreCapabilities.VectorSearch | ChunkStoreCapabilities.FilterProbe | ChunkStoreCapabilities.ReturnsEmbeddings
        | (_hybrid is null ? ChunkStoreCapabilities.None : ChunkStoreCapabilities.KeywordSearch);

    /// <inheritdoc />
    public int? Dimensions => _dimensions;

    /// <inheritdoc />
    public int MaxChunksPerWrite => _options.MaxChunksPerWrite;

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<DocumentKey, string>> ReadContentHashesAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var hashes = new Dictionary<DocumentKey, string>();
        foreach (var key in keys)
        {
            if (await FirstChunkAsync(key, cancellationToken).ConfigureAwait(false) is { } first)
            {
                hashes[key] = first.ContentHash;
            }
        }

        return hashes;
    }

    /// <inheritdoc />
    public async Task ReplaceDocumentsAsync(IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var document in documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var before = (await FirstChunkAsync(document.Key, cancellationToken).ConfigureAwait(false))?.ChunkCount ?? 0;
            var records = document.Chunks.Select(c => ToRecord(document, c)).ToList();
            await _collection.UpsertAsync(records, cancellationToken).ConfigureAwait(false);
            _dimensions ??= records.FirstOrDefault()?.Embedding.Length;
            if (before > records.Count)
            {
                await _collection.DeleteAsync(Enumerable.Range(records.Count, before - records.Count).Select(o => KeyOf(document.Key, o)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteDocumentsAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var deleted = 0;
        foreach (var key in keys)
        {
            if (await FirstChunkAsync(key, cancellationToken).ConfigureAwait(false) is { } first)
            {
                await _collection.DeleteAsync(Enumerable.Range(0, Math.Max(1, first.ChunkCount)).Select(o => KeyOf(key, o)), cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var tenant = tenantId ?? string.Empty;
        var ids = new List<string>();
        for (var skip = 0; ; skip += _options.PageSize)
        {
            var page = 0;
            var options = new FilteredRecordRetrievalOptions<KnowledgeChunkRecord> { Skip = skip, OrderBy = o => o.Ascending(r => r.Key) };
            await foreach (var record in _collection.GetAsync(r => r.TenantId == tenant && r.Ordinal == 0, _options.PageSize, options, cancellationToken).ConfigureAwait(false))
            {
                ids.Add(record.DocumentId);
                page++;
            }

            if (page < _options.PageSize)
            {
                break;
            }
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <inheritdoc />
    public async Task<bool> AnyMatchAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        await foreach (var _ in _collection.GetAsync(FilterOf(request), 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[]? queryVector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (queryVector is null)
        {
            // The store declares vector search only (with hybrid when the connector offers it): Microsoft.Extensions.VectorData has no
            // keyword-only search, so a search without the query's vector is refused rather than ranked some other way.
            throw new ArgumentNullException(nameof(queryVector), "VectorDataChunkStore ranks by vector (Microsoft.Extensions.VectorData has no keyword-only search): pass the query vector.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var vector = new ReadOnlyMemory<float>(queryVector);
        var filter = FilterOf(request);
        List<string> keywords = _hybrid is null ? [] : HybridRanking.Keywords(request.Query);
        if (keywords.Count == 0)
        {
            // Ranked by the cosine itself (connectors may round or rank approximately); the floor where the score is read.
            var chunks = new List<RetrievedChunk>();
            await foreach (var result in _collection.SearchAsync(vector, request.TopK, new VectorSearchOptions<KnowledgeChunkRecord> { Filter = filter, IncludeVectors = true }, cancellationToken).ConfigureAwait(false))
            {
                var score = HybridRanking.Cosine(result, queryVector);
                if (request.MinScore is not { } floor || score >= floor)
                {
                    chunks.Add(ToChunk(result.Record, score));
                }
            }

            return [.. chunks.OrderByDescending(c => c.Score).ThenBy(c => c.ChunkId, StringComparer.Ordinal)];
        }

        // Hybrid: the connector finds as many candidates as the other stores fuse, those below the cosine floor drop out, and the rest
        // are ranked like every other store's hybrid results (see HybridRanking); the score stays the cosine, so MinScore means the same.
        var candidates = new List<VectorSearchResult<KnowledgeChunkRecord>>();
        var options = new HybridSearchOptions<KnowledgeChunkRecord> { Filter = filter, IncludeVectors = true };
        await foreach (var result in _hybrid!.HybridSearchAsync(vector, keywords, RetrievalConstants.Candidates(request.TopK), options, cancellationToken).ConfigureAwait(false))
        {
            if (request.MinScore is not { } floor || HybridRanking.Cosine(result, queryVector) >= floor)
            {
                candidates.Add(result);
            }
        }

        return [.. HybridRanking.Rank(candidates, request.Query, queryVector).Take(request.TopK).Select(r => ToChunk(r.Record, r.Cosine))];
    }

    /// <summary>The tag a filter pair is matched by; the key's length first, so no key or value can imitate another pair.</summary>
    internal static string Tag(string key, string value) => $"{key.Length}:{key}={value}";

    private async Task<KnowledgeChunkRecord?> FirstChunkAsync(DocumentKey key, CancellationToken cancellationToken) =>
        await _collection.GetAsync(KeyOf(key, 0), cancellationToken: cancellationToken).ConfigureAwait(false);

    private static string KeyOf(DocumentKey key, int ordinal) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{key.TenantId?.Length ?? -1}:{key.TenantId}{key.Id.Length}:{key.Id}#{ordinal}")));

    /// <summary>The tenant and every filter pair as one LINQ expression the connector translates (constants only, no captured state).</summary>
    private static Expression<Func<KnowledgeChunkRecord, bool>> FilterOf(RetrievalRequest request)
    {
        var record = Expression.Parameter(typeof(KnowledgeChunkRecord), "r");
        Expression body = Expression.Equal(Expression.Property(record, nameof(KnowledgeChunkRecord.TenantId)), Expression.Constant(request.TenantId ?? string.Empty));
        var contains = typeof(List<string>).GetMethod(nameof(List<string>.Contains), [typeof(string)])!;
        foreach (var (key, value) in request.Filter.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            body = Expression.AndAlso(body, Expression.Call(Expression.Property(record, nameof(KnowledgeChunkRecord.Tags)), contains, Expression.Constant(Tag(key, value))));
        }

        return Expression.Lambda<Func<KnowledgeChunkRecord, bool>>(body, record);
    }

    private static KnowledgeChunkRecord ToRecord(DocumentWrite document, EmbeddedChunk chunk)
    {
        var source = document.Document;
        return new KnowledgeChunkRecord
        {
            Key = KeyOf(document.Key, chunk.Chunk.Ordinal),
            TenantId = source.TenantId ?? string.Empty,
            DocumentId = source.Id,
            Ordinal = chunk.Chunk.Ordinal,
            ChunkCount = document.Chunks.Count,
            Title = source.Title,
            Content = chunk.Chunk.Content,
            ContentHash = document.ContentHash,
            SourceUri = source.SourceUri ?? string.Empty,
            Tags = [.. source.Metadata.Select(p => Tag(p.Key, p.Value)).Concat(source.MultiValuedMetadata.SelectMany(p => p.Value.Select(v => Tag(p.Key, v)))).Distinct(StringComparer.Ordinal)],
            MetadataJson = JsonSerializer.Serialize(
                new ChunkMetadata(new(source.Metadata), source.MultiValuedMetadata.ToDictionary(p => p.Key, p => p.Value.ToList())), ChunkMetadataJson.Default.ChunkMetadata),
            Embedding = chunk.Vector,
        };
    }

    private static RetrievedChunk ToChunk(KnowledgeChunkRecord record, double score)
    {
        var metadata = JsonSerializer.Deserialize(record.MetadataJson, ChunkMetadataJson.Default.ChunkMetadata) ?? new ChunkMetadata([], []);
        return new RetrievedChunk
        {
            ChunkId = DocumentChunk.CreateId(record.DocumentId, record.Ordinal),
            DocumentId = record.DocumentId,
            Ordinal = record.Ordinal,
            Title = record.Title,
            Content = record.Content,
            Score = score,
            Metadata = metadata.Single,
            MultiValuedMetadata = metadata.Multi.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value),
            SourceUri = record.SourceUri.Length == 0 ? null : record.SourceUri,
            TenantId = record.TenantId.Length == 0 ? null : record.TenantId,
            Embedding = record.Embedding,
        };
    }
}
