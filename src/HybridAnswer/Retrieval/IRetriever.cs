namespace HybridAnswer;

/// <summary>Finds the chunks of a knowledge base most relevant to a question.</summary>
public interface IRetriever
{
    /// <summary>Embeds the query and returns up to <see cref="RetrievalRequest.TopK"/> chunks that match the filter, best first, none scoring below <see cref="RetrievalRequest.MinScore"/>.</summary>
    /// <param name="request">The query, its filter and limits.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The chunks, best first; empty when nothing matches.</returns>
    Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default);
}
