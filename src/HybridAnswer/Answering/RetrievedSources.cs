namespace HybridAnswer;

/// <summary>The sources retrieved for one answer (at most top-K, best first; empty when the mode does not retrieve) and how long it took.</summary>
internal readonly record struct RetrievedSources(IReadOnlyList<RetrievedChunk> Sources, TimeSpan Elapsed)
{
    public static RetrievedSources Skipped { get; } = new([], TimeSpan.Zero);
}
