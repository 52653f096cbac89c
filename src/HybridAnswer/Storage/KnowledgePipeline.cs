using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace HybridAnswer.Storage;

/// <summary>
/// Ingestion and retrieval written once for every store: validates documents and requests, hashes and diffs against what the
/// store holds (unchanged documents are neither embedded nor rewritten), chunks, embeds in batches, checks and normalises every
/// vector, and hands whole documents to the <see cref="IChunkStore"/>. A store only stores and searches.
/// </summary>
internal sealed class KnowledgePipeline
{
    private readonly IChunkStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly DocumentChunker _chunker;
    private readonly bool _multiTenant;
    private readonly int _embeddingBatchSize;

    public KnowledgePipeline(IChunkStore store, IEmbeddingGenerator<string, Embedding<float>> embedder, ChunkingOptions? chunking, bool multiTenant, int embeddingBatchSize)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingBatchSize, 1);
        _store = store;
        _embedder = embedder;
        // The model's identity is in every content hash: the same documents ingested with another model are re-embedded.
        _chunker = new DocumentChunker(chunking ?? new ChunkingOptions(), embedder.GetService<EmbeddingInputLimit>(), EmbedderIdentity.Of(embedder));
        _multiTenant = multiTenant;
        _embeddingBatchSize = embeddingBatchSize;
    }

    public async Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var batch = documents.ToList();
        var seen = new HashSet<DocumentKey>();
        foreach (var document in batch)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(documents));
            CheckTenant(document.TenantId, nameof(documents));
            KnowledgeText.CheckDocument(document, nameof(documents));
            if (!seen.Add(DocumentKey.Of(document)))
            {
                throw new ArgumentException($"Document id '{document.Id}' appears more than once in one upsert.", nameof(documents));
            }
        }

        if (batch.Count == 0)
        {
            return IngestResult.Empty;
        }

        var stored = await _store.ReadContentHashesAsync([.. seen], cancellationToken).ConfigureAwait(false);
        int added = 0, updated = 0, unchanged = 0;
        var changed = new List<(KnowledgeDocument Document, string Hash, IReadOnlyList<DocumentChunk> Chunks)>();
        foreach (var document in batch)
        {
            var hash = _chunker.ContentHash(document);
            if (stored.TryGetValue(DocumentKey.Of(document), out var storedHash))
            {
                if (storedHash == hash)
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

            changed.Add((document, hash, ChunksOf(document)));
        }

        var written = 0;
        var dimensions = _store.Dimensions;
        if (changed.Count > 0)
        {
            await _store.BeginWritesAsync(changed.Sum(c => c.Chunks.Count), cancellationToken).ConfigureAwait(false);
        }

        foreach (var group in WriteGroups(changed))
        {
            // Embed before the store is touched: a failing or slow embedding model then holds no locks and leaves the stored
            // version of every document intact.
            var writes = await EmbedAsync(group, dimensions, cancellationToken).ConfigureAwait(false);
            await _store.ReplaceDocumentsAsync(writes, cancellationToken).ConfigureAwait(false);
            dimensions ??= writes.SelectMany(w => w.Chunks).FirstOrDefault()?.Vector.Length;
            written += writes.Sum(w => w.Chunks.Count);
        }

        // Read even when nothing changed: an unchanged document may have been written moments ago by another process.
        var result = new IngestResult
        {
            Added = added,
            Updated = updated,
            Unchanged = unchanged,
            Deleted = 0,
            CommitPosition = await _store.ReadCommitPositionAsync(cancellationToken).ConfigureAwait(false),
        };
        await _store.IngestedAsync(result, written, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        CheckTenant(tenantId, nameof(tenantId));
        KnowledgeText.CheckNoNul(tenantId, nameof(tenantId), "tenant id");
        var keys = new List<DocumentKey>();
        foreach (var id in documentIds.Distinct(StringComparer.Ordinal))
        {
            if (id is null)
            {
                throw new ArgumentException("A document id is null.", nameof(documentIds));
            }

            KnowledgeText.CheckNoNul(id, nameof(documentIds), "document id");
            keys.Add(new DocumentKey(tenantId, id));
        }

        return keys.Count == 0 ? 0 : await _store.DeleteDocumentsAsync(keys, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId, CancellationToken cancellationToken)
    {
        CheckTenant(tenantId, nameof(tenantId));
        KnowledgeText.CheckNoNul(tenantId, nameof(tenantId), "tenant id");
        return _store.ListDocumentIdsAsync(tenantId, cancellationToken);
    }

    public async Task<long> CountAsync(string? tenantId, CancellationToken cancellationToken)
    {
        CheckTenant(tenantId, nameof(tenantId));
        KnowledgeText.CheckNoNul(tenantId, nameof(tenantId), "tenant id");

        // A store that cannot count (an index without a count query) still answers: the ids it lists are the documents.
        return (_store.Capabilities & ChunkStoreCapabilities.CountDocuments) != 0
            ? await _store.CountDocumentsAsync(tenantId, cancellationToken).ConfigureAwait(false)
            : (await _store.ListDocumentIdsAsync(tenantId, cancellationToken).ConfigureAwait(false)).Count;
    }

    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckTenant(request.TenantId, nameof(request));
        KnowledgeText.CheckRequest(request, nameof(request));
        var query = (_store.Capabilities & ChunkStoreCapabilities.VectorSearch) != 0 ? await EmbedQueryAsync(request.Query, cancellationToken).ConfigureAwait(false) : null;
        cancellationToken.ThrowIfCancellationRequested();
        var chunks = await _store.SearchAsync(request, query, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{_store.GetType().Name}.SearchAsync returned null.");

        // The floor, once: by the store where it ranks when it declares so, here otherwise; never again above (the answerer's
        // pipeline puts no ScoreFloorRetriever around a knowledge base over a chunk store).
        return (_store.Capabilities & ChunkStoreCapabilities.ScoreFloor) != 0 || request.MinScore is not { } floor || chunks.All(c => c.Score >= floor)
            ? chunks
            : [.. chunks.Where(c => c.Score >= floor)];
    }

    /// <summary>Whether any chunk of the request's tenant matches its filter (see <see cref="IFilterProbe"/>); validated like a retrieval.</summary>
    public Task<bool> MatchesAnyAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckTenant(request.TenantId, nameof(request));
        KnowledgeText.CheckRequest(request, nameof(request));
        return _store.AnyMatchAsync(request, cancellationToken);
    }

    /// <summary>Embeds and normalises a query, checked against the stored dimensions.</summary>
    public async Task<float[]?> EmbedQueryAsync(string query, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("hybrid_answer.embed");
        var embeddings = await _embedder.GenerateAsync([query], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != 1)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for one query.");
        }

        // An empty store has no dimensions to compare with and nothing to find; the store answers with no results.
        return Normalized(embeddings[0].Vector.ToArray(), _store.Dimensions, "the query");
    }

    /// <summary>
    /// The chunks of a document; a document with no body text (only headings, or empty) is one chunk of its headings, or of its
    /// title. Storing nothing would leave no stored hash: the document would be "added" again on every run, and absent from
    /// the list <c>--prune</c> compares with.
    /// </summary>
    private IReadOnlyList<DocumentChunk> ChunksOf(KnowledgeDocument document)
    {
        var chunks = _chunker.Chunk(document);
        if (chunks.Count > 0)
        {
            return chunks;
        }

        var text = string.IsNullOrWhiteSpace(document.Content) ? document.Title : document.Content.Trim();
        return [new DocumentChunk(document.Id, 0, text)];
    }

    private IEnumerable<List<(KnowledgeDocument Document, string Hash, IReadOnlyList<DocumentChunk> Chunks)>> WriteGroups(
        List<(KnowledgeDocument Document, string Hash, IReadOnlyList<DocumentChunk> Chunks)> documents)
    {
        var group = new List<(KnowledgeDocument, string, IReadOnlyList<DocumentChunk>)>();
        var chunks = 0;
        foreach (var document in documents)
        {
            group.Add(document);
            chunks += document.Chunks.Count;
            if (chunks >= _store.MaxChunksPerWrite)
            {
                yield return group;
                group = [];
                chunks = 0;
            }
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    private async Task<List<DocumentWrite>> EmbedAsync(
        List<(KnowledgeDocument Document, string Hash, IReadOnlyList<DocumentChunk> Chunks)> documents, int? dimensions, CancellationToken cancellationToken)
    {
        // The title travels with every chunk into the embedding: a chunk deep in a document rarely repeats what it is about.
        var pending = documents.SelectMany((d, index) => d.Chunks.Select(c => (Index: index, Chunk: c, Text: d.Document.Title + "\n" + c.Content))).ToList();
        var embedded = documents.Select(_ => new List<EmbeddedChunk>()).ToList();
        foreach (var batch in pending.Chunk(_embeddingBatchSize))
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
                embedded[batch[i].Index].Add(new EmbeddedChunk(batch[i].Chunk, batch[i].Text, vector));
            }
        }

        return [.. documents.Select((d, index) => new DocumentWrite(d.Document, d.Hash, embedded[index]))];
    }

    /// <summary>Checks a vector's dimensions and scales it to unit length, so every store can rank cosine by dot product.</summary>
    private static float[] Normalized(float[] vector, int? expectedDimensions, string what)
    {
        if (vector.Length == 0)
        {
            throw new InvalidOperationException($"The embedding generator returned an empty vector for {what}.");
        }

        if (expectedDimensions is { } expected && vector.Length != expected)
        {
            throw new InvalidOperationException(
                $"The embedding for {what} has {vector.Length} dimensions, but the knowledge base stores {expected}. Use the same embedding model for ingestion and queries (and, on PostgreSQL, set Dimensions to match it).");
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && Math.Abs(norm - 1) > 1e-4)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    private void CheckTenant(string? tenantId, string paramName)
    {
        if (_multiTenant && string.IsNullOrWhiteSpace(tenantId))
        {
            throw new ArgumentException("This knowledge base is multi-tenant: a tenant id is required.", paramName);
        }
    }
}
