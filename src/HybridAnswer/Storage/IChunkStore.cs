using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer.Storage;

/// <summary>
/// What a storage engine does for a <see cref="ChunkStoreKnowledgeBase"/>: everything that is not storage (validation, hashing, the
/// diff, chunking, embedding, normalisation, the query embedding) is done once, by the knowledge base. A new store (Qdrant, SQLite,
/// Azure AI Search, a Microsoft.Extensions.VectorData collection) implements this and a builder extension
/// (<c>builder.UseChunkStore(sp =&gt; new MyStore(...))</c>); it never embeds or chunks anything itself.
/// </summary>
/// <remarks>
/// Every call comes from the knowledge base with validated arguments (tenants required when multi-tenant, no NUL characters,
/// request limits in range, vectors of <see cref="Dimensions"/> and unit length), so a store checks nothing twice. The optional
/// members are called only when <see cref="Capabilities"/> declares them.
/// </remarks>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public interface IChunkStore
{
    /// <summary>Gets what the store declares it does; read on every call, so it may follow the store's configuration.</summary>
    ChunkStoreCapabilities Capabilities { get; }

    /// <summary>Gets the dimensions every stored and query vector must have; <see langword="null"/> while the store accepts any (an empty in-memory store).</summary>
    int? Dimensions { get; }

    /// <summary>Gets how many chunks one <see cref="ReplaceDocumentsAsync"/> call may carry; the knowledge base embeds and writes in groups of
    /// this size, so a failure mid-way loses at most the group in flight (whole documents, never half of one).</summary>
    int MaxChunksPerWrite { get; }

    /// <summary>Returns the content hash of each given document that is stored; absent keys are not stored.</summary>
    /// <param name="keys">The documents, distinct.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored hashes by key.</returns>
    Task<IReadOnlyDictionary<DocumentKey, string>> ReadContentHashesAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken);

    /// <summary>Called once per upsert before its first <see cref="ReplaceDocumentsAsync"/>, with how many chunks it will write (a store may
    /// choose a bulk path for a large load, e.g. build its vector index once afterwards instead of row by row).</summary>
    /// <param name="chunks">How many chunks the upsert will write.</param>
    /// <param name="cancellationToken">Cancels the preparation.</param>
    /// <returns>A task that completes when the store is ready for the writes.</returns>
    Task BeginWritesAsync(int chunks, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Replaces all chunks of each document with the given ones; atomically per document when <see cref="Capabilities"/> declares <see cref="ChunkStoreCapabilities.AtomicReplace"/>.</summary>
    /// <param name="documents">The new versions, at most <see cref="MaxChunksPerWrite"/> chunks in all (or one larger document).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the documents are stored.</returns>
    Task ReplaceDocumentsAsync(IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken);

    /// <summary>Called once per upsert after every write, with the number of chunks written (a store may refresh statistics after a bulk load).</summary>
    /// <param name="result">What the upsert did.</param>
    /// <param name="chunksWritten">How many chunks it wrote.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the store has finished.</returns>
    Task IngestedAsync(IngestResult result, int chunksWritten, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Returns the store's commit position after the writes so far (see <see cref="IngestResult.CommitPosition"/>).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The position; <see langword="null"/> when every write is visible at once.</returns>
    Task<string?> ReadCommitPositionAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Deletes the documents and all their chunks.</summary>
    /// <param name="keys">The documents, distinct.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many of the documents existed.</returns>
    Task<int> DeleteDocumentsAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken);

    /// <summary>Lists the ids of one tenant's documents, in ordinal order.</summary>
    /// <param name="tenantId">The tenant; <see langword="null"/>: the documents without a tenant.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ids.</returns>
    Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId, CancellationToken cancellationToken);

    /// <summary>Counts one tenant's documents; called only when <see cref="Capabilities"/> declares <see cref="ChunkStoreCapabilities.CountDocuments"/>.</summary>
    /// <param name="tenantId">The tenant; <see langword="null"/>: the documents without a tenant.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The number of documents.</returns>
    Task<long> CountDocumentsAsync(string? tenantId, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not declare {nameof(ChunkStoreCapabilities.CountDocuments)}.");

    /// <summary>Whether any chunk of the request's tenant matches its filter, whatever the query, top-K and floor; called only when
    /// <see cref="Capabilities"/> declares <see cref="ChunkStoreCapabilities.FilterProbe"/>, and only after a filtered search found nothing.</summary>
    /// <param name="request">The validated request.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns><see langword="true"/> when some chunk matches.</returns>
    Task<bool> AnyMatchAsync(RetrievalRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not declare {nameof(ChunkStoreCapabilities.FilterProbe)}.");

    /// <summary>Searches: at most <see cref="RetrievalRequest.TopK"/> chunks of the request's tenant that match its filter (applied before
    /// the top-K), best first, each scored as <see cref="RetrievedChunk.Score"/> describes; none below <see cref="RetrievalRequest.MinScore"/>
    /// when <see cref="Capabilities"/> declares <see cref="ChunkStoreCapabilities.ScoreFloor"/> (otherwise the knowledge base drops them).</summary>
    /// <param name="request">The validated request.</param>
    /// <param name="queryVector">The unit-length query embedding; <see langword="null"/> unless <see cref="Capabilities"/> declares <see cref="ChunkStoreCapabilities.VectorSearch"/>.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The chunks, best first.</returns>
    Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[]? queryVector, CancellationToken cancellationToken);
}
