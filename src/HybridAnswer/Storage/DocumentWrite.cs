using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer.Storage;

/// <summary>A new version of one document for a chunk store: every chunk it now has, embedded, and the content hash that identifies the version.</summary>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public sealed class DocumentWrite
{
    /// <summary>Initializes a new <see cref="DocumentWrite"/>.</summary>
    /// <param name="document">The document (title, metadata, tenant, source).</param>
    /// <param name="contentHash">The hash <see cref="IChunkStore.ReadContentHashesAsync"/> must return for this version.</param>
    /// <param name="chunks">Its chunks, in order, embedded.</param>
    public DocumentWrite(KnowledgeDocument document, string contentHash, IReadOnlyList<EmbeddedChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(document);
        Document = document;
        ArgumentNullException.ThrowIfNull(contentHash);
        ContentHash = contentHash;
        ArgumentNullException.ThrowIfNull(chunks);
        Chunks = chunks;
    }

    /// <summary>Gets the document (title, metadata, tenant, source).</summary>
    public KnowledgeDocument Document { get; }

    /// <summary>Gets the hash <see cref="IChunkStore.ReadContentHashesAsync"/> must return for this version.</summary>
    public string ContentHash { get; }

    /// <summary>Gets its chunks, in order, embedded.</summary>
    public IReadOnlyList<EmbeddedChunk> Chunks { get; }

    /// <summary>Gets the document's key.</summary>
    public DocumentKey Key => DocumentKey.Of(Document);
}
