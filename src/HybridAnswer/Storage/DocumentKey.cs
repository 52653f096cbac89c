using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer.Storage;

/// <summary>Identifies a stored document: its tenant (<see langword="null"/> in a single-tenant knowledge base) and its id.</summary>
/// <param name="TenantId">The tenant; <see langword="null"/> when the document has none.</param>
/// <param name="Id">The document id.</param>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public readonly record struct DocumentKey(string? TenantId, string Id)
{
    /// <summary>The key of a document.</summary>
    /// <param name="document">The document.</param>
    /// <returns>Its tenant and id.</returns>
    public static DocumentKey Of(KnowledgeDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new(document.TenantId, document.Id);
    }
}
