using HybridAnswer.Storage;

namespace HybridAnswer.InMemory;

/// <summary>
/// The in-memory chunk store: exact SIMD cosine top-K with the filter applied before ranking, BM25, and the two fused. Writers are
/// serialised and publish a new immutable <see cref="InMemorySnapshot"/> in one reference swap; readers never take a lock.
/// </summary>
internal sealed class InMemoryChunkStore : IChunkStore
{
    private readonly InMemoryKnowledgeBaseOptions _options;
    private readonly Lock _writeLock = new();
    private volatile InMemorySnapshot _snapshot = InMemorySnapshot.Empty;

    public InMemoryChunkStore(InMemoryKnowledgeBaseOptions options) => _options = options;

    public int ChunkCount => _snapshot.Chunks.Length;

    public int? Dimensions => _snapshot.Dimensions == 0 ? null : _snapshot.Dimensions;

    // One write per upsert: the whole upsert becomes visible in one snapshot swap, or not at all.
    public int MaxChunksPerWrite => int.MaxValue;

    public ChunkStoreCapabilities Capabilities => _options.RetrievalKind switch
    {
        RetrievalKind.Vector => Always | ChunkStoreCapabilities.VectorSearch,
        RetrievalKind.Keyword => Always | ChunkStoreCapabilities.KeywordSearch,
        _ => Always | ChunkStoreCapabilities.VectorSearch | ChunkStoreCapabilities.KeywordSearch,
    };

    // One snapshot swap per write (atomic), counts and the filter probe read the snapshot, every chunk keeps its vector, and the
    // floor is applied while ranking (the top-K heap never holds a chunk below it).
    private const ChunkStoreCapabilities Always = ChunkStoreCapabilities.AtomicReplace | ChunkStoreCapabilities.CountDocuments |
        ChunkStoreCapabilities.FilterProbe | ChunkStoreCapabilities.ReturnsEmbeddings | ChunkStoreCapabilities.ScoreFloor;

    public Task<IReadOnlyDictionary<DocumentKey, string>> ReadContentHashesAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        var documents = _snapshot.Documents;
        IReadOnlyDictionary<DocumentKey, string> hashes = keys.Where(documents.ContainsKey).ToDictionary(k => k, k => documents[k]);
        return Task.FromResult(hashes);
    }

    public Task ReplaceDocumentsAsync(IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var added = documents.SelectMany(d => d.Chunks.Select(c =>
            new InMemorySnapshot.StoredChunk(d.Key, d.Document, d.ContentHash, c.Chunk, Bm25Index.CountTerms(c.EmbeddedText), c.Vector))).ToList();
        var replaced = documents.Select(d => d.Key).ToHashSet();
        lock (_writeLock)
        {
            var current = _snapshot;
            if (current.Dimensions != 0 && added.Count > 0 && added[0].Vector.Length != current.Dimensions)
            {
                // Another writer stored the first vectors between this upsert's embedding and now.
                throw new InvalidOperationException($"The embeddings have {added[0].Vector.Length} dimensions, but the knowledge base stores {current.Dimensions}. Use the same embedding model for every ingest.");
            }

            _snapshot = InMemorySnapshot.Create(current.Chunks.Where(c => !replaced.Contains(c.Key)).Concat(added));
        }

        return Task.CompletedTask;
    }

    public Task IngestedAsync(IngestResult result, int chunksWritten, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<int> DeleteDocumentsAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        // Nothing here waits, so a cancelled token is honoured up front, as a store that does I/O would (the conformance suite checks it).
        cancellationToken.ThrowIfCancellationRequested();
        var doomed = keys.ToHashSet();
        lock (_writeLock)
        {
            var current = _snapshot;
            var deleted = doomed.Count(current.Documents.ContainsKey);
            if (deleted > 0)
            {
                _snapshot = InMemorySnapshot.Create(current.Chunks.Where(c => !doomed.Contains(c.Key)));
            }

            return Task.FromResult(deleted);
        }
    }

    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> ids = [.. _snapshot.Documents.Keys.Where(k => k.TenantId == tenantId).Select(k => k.Id).Order(StringComparer.Ordinal)];
        return Task.FromResult(ids);
    }

    public Task<long> CountDocumentsAsync(string? tenantId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult((long)_snapshot.Documents.Keys.Count(k => k.TenantId == tenantId));
    }

    public Task<bool> AnyMatchAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        // The posting lists answer it without reading a vector; null means every row is eligible.
        var snapshot = _snapshot;
        return Task.FromResult(snapshot.Chunks.Length > 0 && snapshot.EligibleRows(request.TenantId, request.Filter) is not { Length: 0 });
    }

    public Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[]? queryVector, CancellationToken cancellationToken) =>
        Task.FromResult(Search(request, queryVector));

    /// <summary>The exact search itself, synchronous, for callers (benchmarks, tests) that already hold the query vector.</summary>
    public IReadOnlyList<RetrievedChunk> Search(RetrievalRequest request, float[]? query)
    {
        var snapshot = _snapshot;
        if (snapshot.Chunks.Length == 0)
        {
            return [];
        }

        var eligible = snapshot.EligibleRows(request.TenantId, request.Filter);
        var minScore = request.MinScore ?? double.NegativeInfinity;
        var kind = _options.RetrievalKind;
        var candidates = kind == RetrievalKind.Hybrid ? RetrievalConstants.Candidates(request.TopK) : request.TopK;
        var threads = _options.MaxSearchThreads > 0 ? _options.MaxSearchThreads : Environment.ProcessorCount;
        var vector = query is null ? [] : snapshot.TopByCosine(query, candidates, eligible, minScore, threads);

        List<(int Item, double Score)> keyword = [];
        var queryTerms = Bm25Index.Terms(request.Query);
        if (kind != RetrievalKind.Vector)
        {
            var scores = snapshot.Bm25.Score(queryTerms);
            keyword = [.. scores
                .Where(s => eligible is null || Array.BinarySearch(eligible, s.Key) >= 0)
                // Without a floor no keyword match needs its dot product (a few percent of the rows for a six-word query).
                .Where(s => double.IsNegativeInfinity(minScore) || (query is null ? KeywordScore(s.Value) >= minScore : snapshot.Cosine(s.Key, query) >= minScore))
                .OrderByDescending(s => s.Value).ThenBy(s => s.Key)
                .Take(candidates)
                .Select(s => (s.Key, s.Value))];
        }

        IEnumerable<(int Chunk, double Score)> ranked = kind switch
        {
            RetrievalKind.Vector => vector,
            RetrievalKind.Keyword => keyword.Select(k => (k.Item, KeywordScore(k.Score))),
            _ => RankFusion.Fuse(_options.RrfK, vector, keyword, keyword.Count == 0 ? 0 : snapshot.Bm25.Coverage(queryTerms, snapshot.Chunks[keyword[0].Item].Terms))
                .Select(c => (c, (double)snapshot.Cosine(c, query!))),
        };

        return [.. ranked.Take(request.TopK).Select(r => snapshot.Chunks[r.Chunk].ToRetrieved(r.Score))];
    }

    // BM25 is unbounded; squash it into 0–1 so MinScore means something for keyword-only retrieval.
    private static double KeywordScore(double bm25) => bm25 / (bm25 + 5.0);
}
