using System.Numerics.Tensors;
using HybridAnswer.Storage;

namespace HybridAnswer.StoreConformance.SampleStore;

/// <summary>
/// A store in a list: brute-force cosine ranking, a small keyword ranking (the share of the query's term weight a chunk contains)
/// and their fusion, equality filters on scalar and list metadata, tenants. Every write swaps in a new list, so a reader sees a
/// document's old chunks or its new ones, never a mix (<see cref="ChunkStoreCapabilities.AtomicReplace"/>). It uses nothing of the
/// core but its public API: chunking, hashing, embedding and validation are the knowledge base's (<see cref="ChunkStoreKnowledgeBase"/>).
/// </summary>
internal sealed class ListChunkStore(RetrievalKind kind) : IChunkStore
{
    private const int FusionK = 60;

    private readonly Lock _writeLock = new();
    private volatile IReadOnlyList<Row> _rows = [];

    public ChunkStoreCapabilities Capabilities =>
        ChunkStoreCapabilities.AtomicReplace | ChunkStoreCapabilities.FilterProbe | ChunkStoreCapabilities.ReturnsEmbeddings
        | (kind == RetrievalKind.Keyword ? ChunkStoreCapabilities.None : ChunkStoreCapabilities.VectorSearch)
        | (kind == RetrievalKind.Vector ? ChunkStoreCapabilities.None : ChunkStoreCapabilities.KeywordSearch);

    public int? Dimensions => _rows.Count == 0 ? null : _rows[0].Chunk.Vector.Length;

    public int MaxChunksPerWrite => 256;

    public Task<IReadOnlyDictionary<DocumentKey, string>> ReadContentHashesAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var wanted = keys.ToHashSet();
        IReadOnlyDictionary<DocumentKey, string> hashes = _rows.Where(r => wanted.Contains(r.Document.Key))
            .GroupBy(r => r.Document.Key).ToDictionary(g => g.Key, g => g.First().Document.ContentHash);
        return Task.FromResult(hashes);
    }

    public Task ReplaceDocumentsAsync(IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var replaced = documents.Select(d => d.Key).ToHashSet();
        var added = documents.SelectMany(d => d.Chunks.Select(c => new Row(d, c, Terms(d.Document.Title + "\n" + c.Chunk.Content)))).ToList();
        lock (_writeLock)
        {
            _rows = [.. _rows.Where(r => !replaced.Contains(r.Document.Key)), .. added];
        }

        return Task.CompletedTask;
    }

    public Task<int> DeleteDocumentsAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var doomed = keys.ToHashSet();
        lock (_writeLock)
        {
            var existed = _rows.Select(r => r.Document.Key).Distinct().Count(doomed.Contains);
            _rows = [.. _rows.Where(r => !doomed.Contains(r.Document.Key))];
            return Task.FromResult(existed);
        }
    }

    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> ids = [.. _rows.Where(r => r.Document.Key.TenantId == tenantId).Select(r => r.Document.Key.Id).Distinct().Order(StringComparer.Ordinal)];
        return Task.FromResult(ids);
    }

    public Task<bool> AnyMatchAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_rows.Any(r => Matches(r, request)));
    }

    public Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[]? queryVector, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rows = _rows;
        var eligible = rows.Where(r => Matches(r, request)).ToList();
        var byVector = queryVector is null ? [] : eligible.Select(r => (Row: r, Score: r.Cosine(queryVector))).OrderByDescending(s => s.Score).ToList();
        var byKeyword = kind == RetrievalKind.Vector ? [] : KeywordRanking(rows, eligible, request.Query);
        var ranked = kind switch
        {
            RetrievalKind.Vector => byVector,
            RetrievalKind.Keyword => byKeyword,
            // A chunk's score stays its cosine (the floor is a cosine); the order is the fusion's.
            _ => Fuse(byVector, byKeyword).Select(r => (Row: r, Score: r.Cosine(queryVector!))).ToList(),
        };
        // The floor applies before top-K, as IRetriever promises (no chunk below MinScore), whoever else applies it too.
        var floor = request.MinScore ?? double.NegativeInfinity;
        IReadOnlyList<RetrievedChunk> found = [.. ranked.Where(s => s.Score >= floor).Take(request.TopK).Select(s => s.Row.ToChunk(s.Score))];
        return Task.FromResult(found);
    }

    private static bool Matches(Row row, RetrievalRequest request)
    {
        var document = row.Document.Document;
        return row.Document.Key.TenantId == request.TenantId && request.Filter.All(f =>
            (document.Metadata.TryGetValue(f.Key, out var value) && value == f.Value)
            || (document.MultiValuedMetadata.TryGetValue(f.Key, out var values) && values.Contains(f.Value, StringComparer.Ordinal)));
    }

    /// <summary>Each eligible chunk that shares a term with the query, scored by the share of the query's term weight (rarer terms weigh
    /// more) it contains: in (0, 1], best first.</summary>
    private static List<(Row Row, double Score)> KeywordRanking(IReadOnlyList<Row> all, List<Row> eligible, string query)
    {
        var terms = Terms(query);
        var weights = terms.ToDictionary(t => t, t => Math.Log(1 + ((double)all.Count / Math.Max(1, all.Count(r => r.Terms.Contains(t))))));
        var total = weights.Values.Sum();
        return [.. eligible.Select(r => (Row: r, Score: total == 0 ? 0 : terms.Where(r.Terms.Contains).Sum(t => weights[t]) / total))
            .Where(s => s.Score > 0).OrderByDescending(s => s.Score)];
    }

    /// <summary>Reciprocal rank fusion with each rank's share weighted by its score against the best of its list, so a chunk one list
    /// ranks first by a wide margin is not outranked by chunks both lists put in the middle. The keyword list counts in full only when
    /// its best chunk holds at least half the question's term weight (its score here), in proportion below: a match on one common
    /// word of a question put in other words does not outvote the vectors.</summary>
    private static IEnumerable<Row> Fuse(List<(Row Row, double Score)> byVector, List<(Row Row, double Score)> byKeyword)
    {
        var fused = new Dictionary<Row, double>();
        Add(fused, byVector, 1);
        Add(fused, byKeyword, byKeyword.Count == 0 ? 0 : Math.Min(1, byKeyword[0].Score / 0.5));
        return fused.OrderByDescending(f => f.Value).Select(f => f.Key);
    }

    private static void Add(Dictionary<Row, double> fused, List<(Row Row, double Score)> list, double confidence)
    {
        var best = list.Count == 0 ? 1 : Math.Max(list[0].Score, 1e-9);
        for (var rank = 0; rank < list.Count; rank++)
        {
            var weight = Math.Clamp(list[rank].Score / best, 0.1, 1);
            fused[list[rank].Row] = fused.GetValueOrDefault(list[rank].Row) + (confidence * weight / (FusionK + rank + 1));
        }
    }

    // The words of how a question is asked, which say nothing of its topic; without them a question's term weight is its topic's.
    private static readonly HashSet<string> QuestionWords = new(["A", "AN", "THE", "HOW", "WHAT", "DO", "DOES", "I", "YOU", "MY", "HAVE", "FOR", "IS", "OF", "TO", "IN", "NEED", "KNOW", "ABOUT"], StringComparer.Ordinal);

    /// <summary>The upper-cased runs of letters and digits of a text ("XR-7731" gives XR and 7731), question words left out.</summary>
    private static HashSet<string> Terms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inTerm = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inTerm && start < 0)
            {
                start = i;
            }
            else if (!inTerm && start >= 0)
            {
                terms.Add(text[start..i].ToUpperInvariant());
                start = -1;
            }
        }

        terms.ExceptWith(QuestionWords);
        return terms;
    }

    /// <summary>One stored chunk (compared by reference: the fusion keys on it).</summary>
    private sealed class Row(DocumentWrite document, EmbeddedChunk chunk, HashSet<string> terms)
    {
        public DocumentWrite Document => document;

        public EmbeddedChunk Chunk => chunk;

        public HashSet<string> Terms => terms;

        public double Cosine(float[] queryVector) => TensorPrimitives.Dot(chunk.Vector, queryVector);

        public RetrievedChunk ToChunk(double score) => new()
        {
            ChunkId = Chunk.Chunk.ChunkId,
            DocumentId = Chunk.Chunk.DocumentId,
            Ordinal = Chunk.Chunk.Ordinal,
            Title = Document.Document.Title,
            Content = Chunk.Chunk.Content,
            Score = score,
            Metadata = Document.Document.Metadata,
            MultiValuedMetadata = Document.Document.MultiValuedMetadata,
            SourceUri = Document.Document.SourceUri,
            TenantId = Document.Key.TenantId,
            Embedding = Chunk.Vector,
        };
    }
}
