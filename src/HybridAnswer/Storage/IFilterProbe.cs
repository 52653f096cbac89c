using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer.Storage;

/// <summary>
/// Tells whether any chunk of a tenant matches a metadata filter, regardless of the query. The answerer asks only when a filtered
/// retrieval returned nothing, to tell "the filter matched no document" (often a typo) from "nothing relevant"
/// (<see cref="NoAnswerReason.FilterMatchedNothing"/> against <see cref="NoAnswerReason.NoRelevantSources"/>). Found through the
/// retriever and its decorators with <c>retriever.GetService&lt;IFilterProbe&gt;()</c>; a retriever without one gives the older reason.
/// </summary>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public interface IFilterProbe
{
    /// <summary>Whether any chunk of <see cref="RetrievalRequest.TenantId"/> matches <see cref="RetrievalRequest.Filter"/>; the query, top-K and floor are ignored.</summary>
    /// <param name="request">The request whose tenant and filter are probed.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns><see langword="true"/> when some chunk matches.</returns>
    Task<bool> MatchesAnyAsync(RetrievalRequest request, CancellationToken cancellationToken = default);
}
