namespace HybridAnswer;

/// <summary>The sources retrieved for one answer (at most top-K, best first; empty when the mode does not retrieve) and how long it took.</summary>
internal readonly record struct RetrievedSources(IReadOnlyList<RetrievedChunk> Sources, TimeSpan Elapsed)
{
    /// <summary>Gets whether nothing was retrieved because no document of the tenant matches the filter at all (the store said so).</summary>
    public bool FilterMatchedNothing { get; init; }

    public static RetrievedSources Skipped { get; } = new([], TimeSpan.Zero);
}
