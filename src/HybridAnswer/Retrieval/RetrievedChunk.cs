namespace HybridAnswer;

/// <summary>A chunk returned by an <see cref="IRetriever"/>.</summary>
public sealed record RetrievedChunk
{
    /// <summary>Gets the stable chunk id: <c>documentId#ordinal</c>.</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the id of the document the chunk belongs to.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the chunk's position in its document, from 0.</summary>
    public required int Ordinal { get; init; }

    /// <summary>Gets the document title.</summary>
    public required string Title { get; init; }

    /// <summary>Gets the chunk text.</summary>
    public required string Content { get; init; }

    /// <summary>
    /// Gets the relevance of the chunk: the cosine similarity of query and chunk embeddings (−1 to 1) for vector and
    /// hybrid retrieval, a keyword score scaled to 0–1 for keyword-only retrieval. This is what MinScore is compared with;
    /// the order of results may also use keyword rank (hybrid retrieval fuses both by reciprocal rank).
    /// </summary>
    public required double Score { get; init; }

    /// <summary>Gets the document metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the document's multi-valued metadata (see <see cref="KnowledgeDocument.MultiValuedMetadata"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> MultiValuedMetadata { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Gets where the document came from, when known.</summary>
    public string? SourceUri { get; init; }

    /// <summary>Gets the tenant that owns the document, if any.</summary>
    public string? TenantId { get; init; }

    /// <summary>
    /// Gets the chunk's embedding, for decorators that compare chunks with each other (such as
    /// <see cref="MaximalMarginalRelevanceRetriever"/>); empty when the store does not return it.
    /// </summary>
    public ReadOnlyMemory<float> Embedding { get; init; }
}
