namespace HybridAnswer;

/// <summary>A new version of one document for a chunk store: every chunk it now has, embedded, and the content hash that identifies the version.</summary>
internal sealed record DocumentWrite(KnowledgeDocument Document, string ContentHash, IReadOnlyList<EmbeddedChunk> Chunks)
{
    public DocumentKey Key => DocumentKey.Of(Document);
}
