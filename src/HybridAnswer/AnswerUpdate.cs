namespace HybridAnswer;

/// <summary>
/// One update of <see cref="HybridAnswerer.AnswerStreamingAsync"/>: first the sources (once), then text deltas,
/// then a final update whose <see cref="Completed"/> carries the whole answer with citations, usage, cost and timings.
/// </summary>
public sealed class AnswerUpdate
{
    /// <summary>Gets the prompt's sources, on the first update only, in the numbering of the <c>[n]</c> markers (<c>[n]</c> is <c>Sources[n - 1]</c>; see <see cref="Answer.Sources"/>).</summary>
    public IReadOnlyList<RetrievedChunk>? Sources { get; init; }

    /// <summary>Gets the text that arrived with this update (empty on the sources and final updates).</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Gets the finished answer, on the last update only.</summary>
    public Answer? Completed { get; init; }
}
