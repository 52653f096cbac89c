namespace HybridAnswer;

/// <summary>
/// The text checks every store applies, so a document or request that one store accepts is never one another rejects
/// mid-transaction. NUL is refused everywhere: PostgreSQL text and jsonb cannot hold it, and a document that works only in
/// memory would break the day the host moves to PostgreSQL.
/// </summary>
internal static class KnowledgeText
{
    public static void CheckNoNul(string? value, string paramName)
    {
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The text contains a NUL character, which the knowledge base cannot store.", paramName);
        }
    }

    public static void CheckDocument(KnowledgeDocument document, string paramName)
    {
        if (HasNul(document.Id) || HasNul(document.Title) || HasNul(document.Content) || HasNul(document.SourceUri) || HasNul(document.TenantId)
            || document.Metadata.Any(p => p.Key is null || HasNul(p.Key) || p.Value is null || HasNul(p.Value)))
        {
            throw new ArgumentException(
                $"Document '{document.Id.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character or a null metadata key or value, which the knowledge base cannot store.",
                paramName);
        }
    }

    public static void CheckRequest(RetrievalRequest request, string paramName)
    {
        CheckNoNul(request.TenantId, paramName);
        CheckNoNul(request.Query, paramName);
        foreach (var (key, value) in request.Filter)
        {
            if (key is null || value is null || HasNul(key) || HasNul(value))
            {
                throw new ArgumentException("Filter keys and values must be non-null text without NUL characters.", paramName);
            }
        }
    }

    private static bool HasNul(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);
}
