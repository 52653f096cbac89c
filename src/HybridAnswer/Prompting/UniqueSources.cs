namespace HybridAnswer;

/// <summary>
/// The sources of a request in their order, duplicates (the same chunk id, or the same text up to white space and case)
/// skipped: what every generator gets, packed into the token budget (<see cref="PromptBuilder.Pack"/>) or not.
/// </summary>
internal static class UniqueSources
{
    /// <summary>The request's sources without duplicates; none when its mode does not retrieve.</summary>
    public static IReadOnlyList<RetrievedChunk> Of(GenerationRequest request) =>
        request.Mode.Retrieves && request.Sources.Count > 0 ? [.. In(request.Sources)] : [];

    /// <summary>The sources without duplicates, lazily, in order.</summary>
    public static IEnumerable<RetrievedChunk> In(IReadOnlyList<RetrievedChunk> sources)
    {
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var seenTexts = new HashSet<string>(WhitespaceAndCaseInsensitiveComparer.Instance);
        foreach (var source in sources)
        {
            if (seenIds.Add(source.ChunkId) && seenTexts.Add(source.Content))
            {
                yield return source;
            }
        }
    }
}
