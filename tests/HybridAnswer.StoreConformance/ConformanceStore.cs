namespace HybridAnswer.StoreConformance;

/// <summary>One store under test: the ingestion and retrieval faces of one knowledge base, and what to release after the test.</summary>
public sealed class ConformanceStore : IAsyncDisposable
{
    private readonly Func<ValueTask>? _dispose;

    /// <summary>Initializes a store under test.</summary>
    /// <param name="knowledgeBase">The store's ingestion API.</param>
    /// <param name="retriever">The store's retrieval API (usually the same object as <paramref name="knowledgeBase"/>).</param>
    /// <param name="dispose">Releases what the fixture created for this store (a database, a connection pool); may be <see langword="null"/>.</param>
    public ConformanceStore(IKnowledgeBase knowledgeBase, IRetriever retriever, Func<ValueTask>? dispose = null)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(retriever);
        KnowledgeBase = knowledgeBase;
        Retriever = retriever;
        _dispose = dispose;
    }

    /// <summary>Gets the store's ingestion API.</summary>
    public IKnowledgeBase KnowledgeBase { get; }

    /// <summary>Gets the store's retrieval API.</summary>
    public IRetriever Retriever { get; }

    /// <summary>Upserts documents (shorthand for <see cref="IKnowledgeBase.UpsertAsync"/>).</summary>
    /// <param name="documents">The documents.</param>
    /// <param name="cancellationToken">Cancels the upsert.</param>
    /// <returns>The store's counts.</returns>
    public Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default) =>
        KnowledgeBase.UpsertAsync(documents, cancellationToken);

    /// <summary>Retrieves (shorthand for <see cref="IRetriever.RetrieveAsync"/>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The chunks, best first.</returns>
    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
        Retriever.RetrieveAsync(request, cancellationToken);

    /// <summary>Every stored chunk of one tenant, as a search with no floor and the largest top-K sees it (the suites keep their
    /// stores under <see cref="RetrievalRequest.MaxTopK"/> chunks): the public view of what the store holds.</summary>
    /// <param name="tenantId">The tenant; <see langword="null"/> in a single-tenant store.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The chunks.</returns>
    public Task<IReadOnlyList<RetrievedChunk>> AllChunksAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        Retriever.RetrieveAsync(new RetrievalRequest("returns shipping kettle") { TopK = RetrievalRequest.MaxTopK, MinScore = -1, TenantId = tenantId }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_dispose is not null)
        {
            await _dispose().ConfigureAwait(false);
        }
    }
}
