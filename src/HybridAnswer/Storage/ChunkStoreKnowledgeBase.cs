using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace HybridAnswer.Storage;

/// <summary>
/// The knowledge base over any <see cref="IChunkStore"/>: validates documents and requests, hashes and diffs against what the store
/// holds (unchanged documents are neither embedded nor rewritten), chunks, embeds in batches, checks and normalises every vector,
/// embeds the query, and hands whole documents and validated searches to the store. The in-memory and PostgreSQL knowledge bases
/// are this class over their stores; a new store is an <see cref="IChunkStore"/> plus a builder extension
/// (<c>builder.UseChunkStore(...)</c>). Thread-safe when the store is.
/// </summary>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public sealed class ChunkStoreKnowledgeBase : IKnowledgeBase, IRetriever
{
    private readonly IChunkStore _store;
    private readonly KnowledgePipeline _pipeline;
    private readonly FilterProbe _probe;

    /// <summary>Initializes a knowledge base over a store.</summary>
    /// <param name="store">Stores and searches the chunks.</param>
    /// <param name="embedder">Embeds chunks and queries; the same model must be used for both.</param>
    /// <param name="chunking">How documents are split; the defaults when <see langword="null"/>.</param>
    /// <param name="multiTenant">Whether every document and request must name a tenant.</param>
    /// <param name="embeddingBatchSize">How many texts are embedded per call while ingesting.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="embeddingBatchSize"/> is less than 1.</exception>
    public ChunkStoreKnowledgeBase(IChunkStore store, IEmbeddingGenerator<string, Embedding<float>> embedder, ChunkingOptions? chunking = null, bool multiTenant = false, int embeddingBatchSize = RetrievalConstants.DefaultEmbeddingBatchSize)
    {
        _pipeline = new KnowledgePipeline(store, embedder, chunking, multiTenant, embeddingBatchSize);
        _store = store;
        _probe = new FilterProbe(_pipeline);
    }

    /// <summary>Gets what the store declares it does.</summary>
    public ChunkStoreCapabilities Capabilities => _store.Capabilities;

    /// <inheritdoc />
    public Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default) =>
        _pipeline.UpsertAsync(documents, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId = null, CancellationToken cancellationToken = default) =>
        _pipeline.DeleteAsync(documentIds, tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _pipeline.ListDocumentIdsAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _pipeline.CountAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The request is invalid: a multi-tenant knowledge base and no tenant, or a NUL character in the query, tenant or filter.</exception>
    /// <exception cref="InvalidOperationException">The query embedding has the wrong dimensions.</exception>
    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
        _pipeline.RetrieveAsync(request, cancellationToken);

    /// <summary>
    /// Returns this knowledge base for its own types, the store for <see cref="IChunkStore"/> (or the store's own type), and an
    /// <see cref="IFilterProbe"/> when the store declares <see cref="ChunkStoreCapabilities.FilterProbe"/>.
    /// </summary>
    /// <param name="serviceType">The type of object requested.</param>
    /// <param name="serviceKey">An optional key; keyed requests find nothing here.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        if (serviceType == typeof(IFilterProbe))
        {
            return (_store.Capabilities & ChunkStoreCapabilities.FilterProbe) != 0 ? _probe : null;
        }

        return serviceType.IsInstanceOfType(_store) ? _store : null;
    }

    /// <summary>The probe the store declares, validated like a retrieval; a separate object so the knowledge base never claims a capability its store lacks.</summary>
    private sealed class FilterProbe(KnowledgePipeline pipeline) : IFilterProbe
    {
        public Task<bool> MatchesAnyAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
            pipeline.MatchesAnyAsync(request, cancellationToken);
    }
}
