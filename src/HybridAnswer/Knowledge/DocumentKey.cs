namespace HybridAnswer;

/// <summary>Identifies a stored document: its tenant (<see langword="null"/> in a single-tenant knowledge base) and its id.</summary>
internal readonly record struct DocumentKey(string? TenantId, string Id)
{
    public static DocumentKey Of(KnowledgeDocument document) => new(document.TenantId, document.Id);
}
