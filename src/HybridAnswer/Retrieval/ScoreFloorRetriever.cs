namespace HybridAnswer;

/// <summary>
/// Drops the chunks scoring below <see cref="RetrievalRequest.MinScore"/>. Applied directly around the store (innermost), so a
/// store that ignores the floor still cannot pass irrelevant sources, while decorators above it (rerankers) may return scores
/// on their own scale without the answerer cutting them.
/// </summary>
internal sealed class ScoreFloorRetriever(IRetriever inner) : DelegatingRetriever(inner)
{
    /// <summary>Gets the store the floor is applied to.</summary>
    public IRetriever Inner => InnerRetriever;

    public override async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chunks = await Inner.RetrieveAsync(request, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{Inner.GetType().Name}.RetrieveAsync returned null.");
        if (request.MinScore is not { } floor || chunks.All(c => c.Score >= floor))
        {
            return chunks;
        }

        return [.. chunks.Where(c => c.Score >= floor)];
    }
}
