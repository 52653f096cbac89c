namespace HybridAnswer;

/// <summary>Stores documents for retrieval: chunks, embeds and stores them; unchanged content is not embedded again.</summary>
public interface IKnowledgeBase
{
    /// <summary>Adds or replaces documents by id. A document whose content hash is unchanged is neither re-embedded nor rewritten; a changed one has all its chunks replaced at once.</summary>
    /// <param name="documents">The documents; ids must be unique within a tenant in one call.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is half-written.</param>
    /// <returns>How many documents were added, updated or left unchanged.</returns>
    Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default);

    /// <summary>Deletes documents and all their chunks.</summary>
    /// <param name="documentIds">The ids to delete; unknown ids are ignored.</param>
    /// <param name="tenantId">The tenant that owns the documents; <see langword="null"/> in a single-tenant knowledge base.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many documents were deleted.</returns>
    Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of the stored documents, for pruning documents whose source disappeared.</summary>
    /// <param name="tenantId">The tenant; <see langword="null"/> in a single-tenant knowledge base.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId = null, CancellationToken cancellationToken = default);

    /// <summary>Counts the stored documents.</summary>
    /// <param name="tenantId">The tenant; <see langword="null"/> counts the single-tenant store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(string? tenantId = null, CancellationToken cancellationToken = default);
}
