namespace HybridAnswer;

/// <summary>
/// What a storage engine must do for <see cref="KnowledgePipeline"/>: everything that is not storage (validation, hashing, the
/// diff, chunking, embedding, normalisation, the query embedding) is done once, by the pipeline. A new store (Qdrant, SQLite,
/// Azure AI Search) implements this and a builder extension; it never embeds or chunks anything itself.
/// </summary>
/// <remarks>Internal until a third store proves the seam; the packages of this repository see it through InternalsVisibleTo.</remarks>
internal interface IChunkStore
{
    /// <summary>Gets the dimensions every stored and query vector must have; <see langword="null"/> while the store accepts any (an empty in-memory store).</summary>
    int? Dimensions { get; }

    /// <summary>Gets how many chunks one <see cref="ReplaceDocumentsAsync"/> call may carry; the pipeline embeds and writes in groups of this size, so a failure mid-way loses at most the group in flight (whole documents, never half of one).</summary>
    int MaxChunksPerWrite { get; }

    /// <summary>Gets whether searches rank by vector (so the query must be embedded) — false for keyword-only retrieval.</summary>
    bool SearchesByVector { get; }

    /// <summary>Returns the content hash of each given document that is stored; absent keys are not stored.</summary>
    Task<IReadOnlyDictionary<DocumentKey, string>> ReadContentHashesAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken);

    /// <summary>Called once per upsert before its first <see cref="ReplaceDocumentsAsync"/>, with how many chunks it will write (a store may
    /// choose a bulk path for a large load, e.g. build its vector index once afterwards instead of row by row).</summary>
    Task BeginWritesAsync(int chunks, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Atomically replaces all chunks of each document with the given ones: a reader sees every document's old or new version, never a mix.</summary>
    Task ReplaceDocumentsAsync(IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken);

    /// <summary>Called once per upsert after every write, with the number of chunks written (a store may refresh statistics after a bulk load).</summary>
    Task IngestedAsync(IngestResult result, int chunksWritten, CancellationToken cancellationToken);

    /// <summary>Returns the store's commit position after the writes so far (see <see cref="IngestResult.CommitPosition"/>); <see langword="null"/> when every write is visible at once.</summary>
    Task<string?> ReadCommitPositionAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Deletes the documents and all their chunks; returns how many documents existed.</summary>
    Task<int> DeleteDocumentsAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken);

    /// <summary>Lists the ids of one tenant's documents (<see langword="null"/>: documents without a tenant), in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId, CancellationToken cancellationToken);

    /// <summary>Counts one tenant's documents.</summary>
    Task<long> CountDocumentsAsync(string? tenantId, CancellationToken cancellationToken);

    /// <summary>Whether any chunk of the validated request's tenant matches its filter (see <see cref="IFilterProbe"/>); called only after a filtered search found nothing.</summary>
    Task<bool> AnyMatchAsync(RetrievalRequest request, CancellationToken cancellationToken);

    /// <summary>Searches with a validated request and its unit-length query vector (<see langword="null"/> when <see cref="SearchesByVector"/> is false).</summary>
    Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[]? queryVector, CancellationToken cancellationToken);
}
