using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace HybridAnswer.InMemory;

/// <summary>
/// A knowledge base held in process memory: exact cosine search over a contiguous embedding matrix with
/// SIMD (<see cref="TensorPrimitives"/>), BM25 keyword scoring, and the two fused by reciprocal rank fusion.
/// Readers see immutable snapshots swapped in atomically, so a search never observes half an upsert;
/// writers are serialised. Suited to up to a few hundred thousand chunks, tests and offline use.
/// </summary>
public sealed class InMemoryKnowledgeBase : IKnowledgeBase, IRetriever
{
    private const int EmbeddingBatchSize = 64;
    private const double MinFusionWeight = 0.1;

    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly DocumentChunker _chunker;
    private readonly InMemoryKnowledgeBaseOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>Initializes a new, empty knowledge base.</summary>
    /// <param name="embedder">Embeds chunks and queries.</param>
    /// <param name="chunking">How documents are split; the defaults when <see langword="null"/>.</param>
    /// <param name="options">Retrieval options; the defaults when <see langword="null"/>.</param>
    public InMemoryKnowledgeBase(IEmbeddingGenerator<string, Embedding<float>> embedder, ChunkingOptions? chunking = null, InMemoryKnowledgeBaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        _embedder = embedder;
        _chunker = new DocumentChunker(chunking ?? new ChunkingOptions());
        _options = options ?? new InMemoryKnowledgeBaseOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RrfK, 1, nameof(options));
    }

    /// <summary>Gets the number of stored chunks.</summary>
    public int ChunkCount => _snapshot.Chunks.Length;

    /// <inheritdoc />
    public async Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var batch = documents.ToList();
        var seen = new HashSet<DocumentKey>();
        foreach (var document in batch)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(documents));
            CheckTenant(document.TenantId, nameof(documents));
            if (!seen.Add(new DocumentKey(document.TenantId, document.Id)))
            {
                throw new ArgumentException($"Document id '{document.Id}' appears more than once in one upsert.", nameof(documents));
            }
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _snapshot;
            int added = 0, updated = 0, unchanged = 0;
            var changed = new List<StoredDocument>();
            foreach (var document in batch)
            {
                var hash = _chunker.ContentHash(document);
                var key = new DocumentKey(document.TenantId, document.Id);
                if (current.Documents.TryGetValue(key, out var existing))
                {
                    if (existing.Hash == hash)
                    {
                        unchanged++;
                        continue;
                    }

                    updated++;
                }
                else
                {
                    added++;
                }

                changed.Add(new StoredDocument(key, document, hash, _chunker.Chunk(document)));
            }

            if (changed.Count == 0)
            {
                return new IngestResult(added, updated, unchanged, 0);
            }

            // Embed everything before touching the snapshot: a failure or cancellation here changes nothing.
            var embedded = await EmbedAsync(changed, current.Dimensions, cancellationToken).ConfigureAwait(false);
            var replaced = changed.Select(d => d.Key).ToHashSet();
            var kept = current.Chunks.Where(c => !replaced.Contains(c.Document.Key)).ToList();
            _snapshot = Snapshot.Build(kept, embedded, current);
            return new IngestResult(added, updated, unchanged, 0);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        CheckTenant(tenantId, nameof(tenantId));
        var keys = documentIds.Select(id => new DocumentKey(tenantId, id ?? throw new ArgumentException("A document id is null.", nameof(documentIds)))).ToHashSet();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _snapshot;
            var deleted = keys.Count(current.Documents.ContainsKey);
            if (deleted > 0)
            {
                _snapshot = Snapshot.Build(current.Chunks.Where(c => !keys.Contains(c.Document.Key)).ToList(), [], current);
            }

            return deleted;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId = null, CancellationToken cancellationToken = default)
    {
        CheckTenant(tenantId, nameof(tenantId));
        IReadOnlyList<string> ids = [.. _snapshot.Documents.Keys.Where(k => k.TenantId == tenantId).Select(k => k.Id).Order(StringComparer.Ordinal)];
        return Task.FromResult(ids);
    }

    /// <inheritdoc />
    public Task<long> CountAsync(string? tenantId = null, CancellationToken cancellationToken = default)
    {
        CheckTenant(tenantId, nameof(tenantId));
        return Task.FromResult((long)_snapshot.Documents.Keys.Count(k => k.TenantId == tenantId));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckTenant(request.TenantId, nameof(request));
        var snapshot = _snapshot;
        if (snapshot.Chunks.Length == 0)
        {
            return [];
        }

        float[]? query = null;
        if (_options.RetrievalKind != RetrievalKind.Keyword)
        {
            using (Telemetry.Source.StartActivity("hybrid_answer.embed"))
            {
                var embedding = await _embedder.GenerateAsync([request.Query], cancellationToken: cancellationToken).ConfigureAwait(false);
                query = Normalized(embedding[0].Vector.ToArray(), snapshot.Dimensions, "query");
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Search(snapshot, request, query);
    }

    /// <summary>The exact search itself, for callers (benchmarks, tests) that already hold the query vector.</summary>
    internal IReadOnlyList<RetrievedChunk> Search(RetrievalRequest request, float[]? queryVector) => Search(_snapshot, request, queryVector);

    private IReadOnlyList<RetrievedChunk> Search(Snapshot snapshot, RetrievalRequest request, float[]? query)
    {
        var eligible = Eligibility(snapshot, request);
        var minScore = request.MinScore ?? double.NegativeInfinity;
        var candidates = _options.RetrievalKind == RetrievalKind.Hybrid ? Math.Max(request.TopK * 4, 40) : request.TopK;

        List<(int Chunk, float Score)> vector = [];
        if (query is not null)
        {
            vector = snapshot.TopByCosine(query, candidates, eligible, minScore);
        }

        List<(int Chunk, double Score)> keyword = [];
        if (_options.RetrievalKind != RetrievalKind.Vector)
        {
            var scores = snapshot.Bm25.Score(TextAnalyzer.Terms(request.Query));
            keyword = [.. scores
                .Where(s => eligible is null || eligible(s.Key))
                .Where(s => query is null ? KeywordScore(s.Value) >= minScore : snapshot.Cosine(s.Key, query) >= minScore)
                .OrderByDescending(s => s.Value).ThenBy(s => s.Key)
                .Take(candidates)
                .Select(s => (s.Key, s.Value))];
        }

        IEnumerable<(int Chunk, double Score)> ranked = _options.RetrievalKind switch
        {
            RetrievalKind.Vector => vector.Select(v => (v.Chunk, (double)v.Score)),
            RetrievalKind.Keyword => keyword.Select(k => (k.Chunk, KeywordScore(k.Score))),
            _ => Fuse(vector, keyword).Select(c => (c, (double)snapshot.Cosine(c, query!))),
        };

        return [.. ranked.Take(request.TopK).Select(r => snapshot.Chunks[r.Chunk].ToRetrieved(r.Score))];
    }

    /// <summary>
    /// Reciprocal rank fusion, each list's 1 / (k + rank) weighted by the chunk's score relative to the best of its list (at least 0.1).
    /// Plain RRF lets a chunk that both lists rank mediocre outrank one that a single list ranks first by a wide margin
    /// (an exact product code that only the keyword side sees); the weight keeps the ranks but lets margins count.
    /// </summary>
    private IEnumerable<int> Fuse(List<(int Chunk, float Score)> vector, List<(int Chunk, double Score)> keyword)
    {
        var fused = new Dictionary<int, double>();
        void Add<T>(List<(int Chunk, T Score)> list, Func<T, double> score)
        {
            var best = list.Count == 0 ? 0 : Math.Max(score(list[0].Score), 0);
            for (var rank = 0; rank < list.Count; rank++)
            {
                // Being in a list still counts for something (as in plain RRF): the weight never drops below MinFusionWeight.
                var weight = best > 0 ? Math.Max(Math.Max(score(list[rank].Score), 0) / best, MinFusionWeight) : 1.0;
                fused[list[rank].Chunk] = fused.GetValueOrDefault(list[rank].Chunk) + (weight / (_options.RrfK + rank + 1));
            }
        }

        Add(vector, s => (double)s);
        Add(keyword, s => s);
        return fused.OrderByDescending(f => f.Value).ThenBy(f => f.Key).Select(f => f.Key);
    }

    // BM25 is unbounded; squash it into 0–1 so MinScore means something for keyword-only retrieval.
    private static double KeywordScore(double bm25) => bm25 / (bm25 + 5.0);

    private static Func<int, bool>? Eligibility(Snapshot snapshot, RetrievalRequest request)
    {
        var tenant = request.TenantId;
        var filter = request.Filter;
        var anyTenant = snapshot.HasTenants || tenant is not null;
        if (filter.Count == 0 && !anyTenant)
        {
            return null;
        }

        // Copied once per query: enumerating the IReadOnlyDictionary per chunk boxed an enumerator for every chunk.
        var pairs = filter.ToArray();
        return chunk =>
        {
            var document = snapshot.Chunks[chunk].Document;
            if (document.Key.TenantId != tenant)
            {
                return false;
            }

            var metadata = document.Document.Metadata;
            foreach (var (key, value) in pairs)
            {
                if (!metadata.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        };
    }

    private void CheckTenant(string? tenantId, string paramName)
    {
        if (_options.MultiTenant && string.IsNullOrWhiteSpace(tenantId))
        {
            throw new ArgumentException("This knowledge base is multi-tenant: a tenant id is required.", paramName);
        }
    }

    private async Task<List<(StoredDocument Document, DocumentChunk Chunk, IReadOnlyDictionary<string, int> Terms, float[] Vector)>> EmbedAsync(
        List<StoredDocument> documents, int dimensions, CancellationToken cancellationToken)
    {
        var pending = documents.SelectMany(d => d.Chunks.Select(c => (Document: d, Chunk: c, Text: d.Document.Title + "\n" + c.Content))).ToList();
        var result = new List<(StoredDocument, DocumentChunk, IReadOnlyDictionary<string, int>, float[])>(pending.Count);
        foreach (var batch in pending.Chunk(EmbeddingBatchSize))
        {
            var embeddings = await _embedder.GenerateAsync(batch.Select(p => p.Text), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {batch.Length} inputs.");
            }

            for (var i = 0; i < batch.Length; i++)
            {
                var vector = Normalized(embeddings[i].Vector.ToArray(), dimensions, batch[i].Chunk.ChunkId);
                dimensions = vector.Length;
                result.Add((batch[i].Document, batch[i].Chunk, Bm25Index.CountTerms(batch[i].Text), vector));
            }
        }

        return result;
    }

    private static float[] Normalized(float[] vector, int expectedDimensions, string what)
    {
        if (vector.Length == 0)
        {
            throw new InvalidOperationException($"The embedding generator returned an empty vector for {what}.");
        }

        if (expectedDimensions != 0 && vector.Length != expectedDimensions)
        {
            throw new InvalidOperationException($"The embedding for {what} has {vector.Length} dimensions, but the knowledge base stores {expectedDimensions}. Use the same embedding model for ingestion and queries.");
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && Math.Abs(norm - 1) > 1e-4)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    private readonly record struct DocumentKey(string? TenantId, string Id);

    private sealed record StoredDocument(DocumentKey Key, KnowledgeDocument Document, string Hash, IReadOnlyList<DocumentChunk> Chunks);

    private sealed record StoredChunk(StoredDocument Document, DocumentChunk Chunk, IReadOnlyDictionary<string, int> Terms, float[] Vector)
    {
        public RetrievedChunk ToRetrieved(double score) => new()
        {
            ChunkId = Chunk.ChunkId,
            DocumentId = Document.Document.Id,
            Ordinal = Chunk.Ordinal,
            Title = Document.Document.Title,
            Content = Chunk.Content,
            Score = score,
            Metadata = Document.Document.Metadata,
            SourceUri = Document.Document.SourceUri,
            TenantId = Document.Document.TenantId,
        };
    }

    /// <summary>One immutable state of the store: chunks, their embeddings in one row-major matrix, and the keyword index.</summary>
    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new([], 0);

        private readonly float[] _matrix;

        private Snapshot(StoredChunk[] chunks, int dimensions)
        {
            Chunks = chunks;
            Dimensions = dimensions;
            _matrix = new float[chunks.Length * dimensions];
            for (var i = 0; i < chunks.Length; i++)
            {
                chunks[i].Vector.CopyTo(_matrix, i * dimensions);
            }

            Documents = chunks.GroupBy(c => c.Document.Key).ToDictionary(g => g.Key, g => g.First().Document);
            HasTenants = Documents.Keys.Any(k => k.TenantId is not null);
            Bm25 = new Bm25Index([.. chunks.Select(c => c.Terms)]);
        }

        public StoredChunk[] Chunks { get; }

        public int Dimensions { get; }

        public Dictionary<DocumentKey, StoredDocument> Documents { get; }

        public bool HasTenants { get; }

        public Bm25Index Bm25 { get; }

        public static Snapshot Build(List<StoredChunk> kept, List<(StoredDocument Document, DocumentChunk Chunk, IReadOnlyDictionary<string, int> Terms, float[] Vector)> added, Snapshot previous)
        {
            var chunks = kept.Concat(added.Select(a => new StoredChunk(a.Document, a.Chunk, a.Terms, a.Vector))).ToArray();
            var dimensions = chunks.Length == 0 ? 0 : chunks[0].Vector.Length;
            return chunks.Length == 0 ? Empty : new Snapshot(chunks, previous.Dimensions == 0 ? dimensions : previous.Dimensions);
        }

        public float Cosine(int chunk, float[] query) => TensorPrimitives.Dot(_matrix.AsSpan(chunk * Dimensions, Dimensions), query);

        public List<(int Chunk, float Score)> TopByCosine(float[] query, int k, Func<int, bool>? eligible, double minScore)
        {
            // A bounded min-heap keeps the k best; the filter is applied before ranking, so a selective
            // filter still yields k results whenever k chunks match it.
            var heap = new PriorityQueue<int, float>(k + 1);
            var matrix = _matrix.AsSpan();
            var d = Dimensions;
            for (var i = 0; i < Chunks.Length; i++)
            {
                if (eligible is not null && !eligible(i))
                {
                    continue;
                }

                var score = TensorPrimitives.Dot(matrix.Slice(i * d, d), query);
                if (score < minScore)
                {
                    continue;
                }

                if (heap.Count < k)
                {
                    heap.Enqueue(i, score);
                }
                else if (heap.TryPeek(out _, out var worst) && score > worst)
                {
                    heap.DequeueEnqueue(i, score);
                }
            }

            var result = new List<(int, float)>(heap.Count);
            while (heap.TryDequeue(out var chunk, out var score))
            {
                result.Add((chunk, score));
            }

            result.Reverse();
            return result;
        }
    }
}
