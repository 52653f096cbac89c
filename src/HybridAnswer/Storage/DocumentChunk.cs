using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HybridAnswer.Storage;

/// <summary>One piece of a document, the unit that is embedded, stored and retrieved.</summary>
/// <param name="DocumentId">The id of the document it belongs to.</param>
/// <param name="Ordinal">Its position in the document, from 0.</param>
/// <param name="Content">Its text, including the headings of the section it came from.</param>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public sealed record DocumentChunk(string DocumentId, int Ordinal, string Content)
{
    /// <summary>Gets the stable chunk id: <c>documentId#ordinal</c> (see <see cref="CreateId"/>).</summary>
    public string ChunkId => CreateId(DocumentId, Ordinal);

    /// <summary>The stable chunk id every store returns as <see cref="RetrievedChunk.ChunkId"/>: <c>documentId#ordinal</c>.</summary>
    /// <param name="documentId">The document id.</param>
    /// <param name="ordinal">The chunk's position in the document.</param>
    /// <returns>The id.</returns>
    public static string CreateId(string documentId, int ordinal) => string.Create(CultureInfo.InvariantCulture, $"{documentId}#{ordinal}");
}
