namespace HybridAnswer;

/// <summary>
/// A knowledge base that can tell whether any chunk of a tenant matches a metadata filter, regardless of the query. The answerer
/// asks only when a filtered retrieval returned nothing, to tell "the filter matched no document" (often a typo) from "nothing
/// relevant" (<see cref="NoAnswerReason.FilterMatchedNothing"/> against <see cref="NoAnswerReason.NoRelevantSources"/>).
/// </summary>
/// <remarks>Internal, like <see cref="IChunkStore"/>, and kept off <see cref="IRetriever"/>: a retriever that does not implement it
/// simply gets the older reason.</remarks>
internal interface IFilterProbe
{
    /// <summary>Whether any chunk of <see cref="RetrievalRequest.TenantId"/> matches <see cref="RetrievalRequest.Filter"/>; the query, top-K and floor are ignored.</summary>
    Task<bool> MatchesAnyAsync(RetrievalRequest request, CancellationToken cancellationToken);
}
