namespace HybridAnswer;

/// <summary>Finds the chunks of a knowledge base most relevant to a question.</summary>
public interface IRetriever
{
    /// <summary>Embeds the query and returns up to <see cref="RetrievalRequest.TopK"/> chunks that match the filter, best first, none scoring below <see cref="RetrievalRequest.MinScore"/>.</summary>
    /// <param name="request">The query, its filter and limits.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The chunks, best first; empty when nothing matches.</returns>
    Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks for an object of the given type, in the style of Microsoft.Extensions.AI's <c>IChatClient.GetService</c>: the retriever
    /// itself, a capability it offers (such as <see cref="Storage.IFilterProbe"/>), or a service of the store beneath it. A decorator
    /// (<see cref="DelegatingRetriever"/>) answers for itself and otherwise forwards to the retriever it wraps, so a capability is
    /// found through any stack of decorators.
    /// </summary>
    /// <param name="serviceType">The type of object requested.</param>
    /// <param name="serviceKey">An optional key; <see langword="null"/> for the unkeyed object.</param>
    /// <returns>The object, or <see langword="null"/> when there is none. The default returns this retriever when it is of <paramref name="serviceType"/> and no key is given.</returns>
    object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}
