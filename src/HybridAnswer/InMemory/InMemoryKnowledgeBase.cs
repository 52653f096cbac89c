using HybridAnswer.Storage;
using Microsoft.Extensions.AI;

namespace HybridAnswer.InMemory;

/// <summary>
/// A knowledge base held in process memory: exact cosine search over a contiguous embedding matrix with
/// SIMD (read in memory order, split over cores for large scans), BM25 keyword scoring, and the two fused by reciprocal rank fusion.
/// Readers see immutable snapshots swapped in atomically, so a search never observes half an upsert;
/// writers are serialised. Suited to up to a few hundred thousand chunks, tests and offline use.
/// </summary>
public sealed class InMemoryKnowledgeBase : IKnowledgeBase, IRetriever
{
    private readonly InMemoryChunkStore _store;
    private readonly ChunkStoreKnowledgeBase _knowledgeBase;

    /// <summary>Initializes a new, empty knowledge base.</summary>
    /// <param name="embedder">Embeds chunks and queries.</param>
    /// <param name="chunking">How documents are split; the defaults when <see langword="null"/>.</param>
    /// <param name="options">Retrieval options; the defaults when <see langword="null"/>.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of its documented range (the message names its configuration key).</exception>
    public InMemoryKnowledgeBase(IEmbeddingGenerator<string, Embedding<float>> embedder, ChunkingOptions? chunking = null, InMemoryKnowledgeBaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var settings = options ?? new InMemoryKnowledgeBaseOptions();
        OptionsValidation.ThrowIfInvalid(new InMemoryKnowledgeBaseOptionsValidator(), settings);
        _store = new InMemoryChunkStore(settings);
        _knowledgeBase = new ChunkStoreKnowledgeBase(_store, embedder, chunking, settings.MultiTenant, settings.EmbeddingBatchSize);
    }

    /// <summary>Gets the number of stored chunks.</summary>
    public int ChunkCount => _store.ChunkCount;

    /// <inheritdoc />
    public Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default) =>
        _knowledgeBase.UpsertAsync(documents, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId = null, CancellationToken cancellationToken = default) =>
        _knowledgeBase.DeleteAsync(documentIds, tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _knowledgeBase.ListDocumentIdsAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _knowledgeBase.CountAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
        _knowledgeBase.RetrieveAsync(request, cancellationToken);

    /// <summary>Returns this knowledge base for its own types, otherwise what the knowledge base over its store offers (the filter probe, the store).</summary>
    /// <param name="serviceType">The type of object requested.</param>
    /// <param name="serviceKey">An optional key; keyed requests find nothing here.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _knowledgeBase.GetService(serviceType, serviceKey);
    }

    /// <summary>The exact search itself, for callers (benchmarks, tests) that already hold the query vector.</summary>
    internal IReadOnlyList<RetrievedChunk> Search(RetrievalRequest request, float[]? queryVector) => _store.Search(request, queryVector);
}
