namespace HybridAnswer;

/// <summary>One piece of a document, the unit that is embedded, stored and retrieved.</summary>
/// <param name="DocumentId">The id of the document it belongs to.</param>
/// <param name="Ordinal">Its position in the document, from 0.</param>
/// <param name="Content">Its text, including the headings of the section it came from.</param>
internal sealed record DocumentChunk(string DocumentId, int Ordinal, string Content)
{
    /// <summary>Gets the stable chunk id: document id and ordinal.</summary>
    public string ChunkId => ChunkIds.Create(DocumentId, Ordinal);
}
