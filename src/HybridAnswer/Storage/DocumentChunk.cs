using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HybridAnswer.Storage;

/// <summary>One piece of a document, the unit that is embedded, stored and retrieved.</summary>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public sealed class DocumentChunk
{
    /// <summary>Initializes a new <see cref="DocumentChunk"/>.</summary>
    /// <param name="documentId">The id of the document it belongs to.</param>
    /// <param name="ordinal">Its position in the document, from 0.</param>
    /// <param name="content">Its text, including the headings of the section it came from.</param>
    public DocumentChunk(string documentId, int ordinal, string content)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        DocumentId = documentId;
        Ordinal = ordinal;
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
    }

    /// <summary>Gets the id of the document it belongs to.</summary>
    public string DocumentId { get; }

    /// <summary>Gets its position in the document, from 0.</summary>
    public int Ordinal { get; }

    /// <summary>Gets its text, including the headings of the section it came from.</summary>
    public string Content { get; }

    /// <summary>Gets the stable chunk id: <c>documentId#ordinal</c> (see <see cref="CreateId"/>).</summary>
    public string ChunkId => CreateId(DocumentId, Ordinal);

    /// <summary>The stable chunk id every store returns as <see cref="RetrievedChunk.ChunkId"/>: <c>documentId#ordinal</c>.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="ordinal">The chunk's position in the document.</param>
    /// <returns>The id.</returns>
    public static string CreateId(string documentId, int ordinal) => string.Create(CultureInfo.InvariantCulture, $"{documentId}#{ordinal}");
}
