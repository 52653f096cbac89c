using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer.Storage;

/// <summary>A new version of one document for a chunk store: every chunk it now has, embedded, and the content hash that identifies the version.</summary>
/// <param name="Document">The document (title, metadata, tenant, source).</param>
/// <param name="ContentHash">The hash <see cref="IChunkStore.ReadContentHashesAsync"/> must return for this version.</param>
/// <param name="Chunks">Its chunks, in order, embedded.</param>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public sealed record DocumentWrite(KnowledgeDocument Document, string ContentHash, IReadOnlyList<EmbeddedChunk> Chunks)
{
    /// <summary>Gets the document's key.</summary>
    public DocumentKey Key => DocumentKey.Of(Document);
}
