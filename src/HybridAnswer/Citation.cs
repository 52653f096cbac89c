namespace HybridAnswer;

/// <summary>A source that the answer text cites with an <c>[n]</c> marker.</summary>
public sealed class Citation
{
    /// <summary>Gets the marker number: the answer text refers to this source as <c>[Index]</c>, which is <c>Answer.Sources[Index - 1]</c> (and the same position of the streamed <see cref="AnswerUpdate.Sources"/>).</summary>
    public required int Index { get; init; }

    /// <summary>Gets the id of the cited document.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets the id of the cited chunk (<c>documentId#ordinal</c>).</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the title of the cited document.</summary>
    public required string Title { get; init; }

    /// <summary>Gets the relevance score of the cited chunk (see <see cref="RetrievedChunk.Score"/>).</summary>
    public required double Score { get; init; }

    /// <summary>Gets where the document came from (a URL or path), when known.</summary>
    public string? SourceUri { get; init; }
}
