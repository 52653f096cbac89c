namespace HybridAnswer;

/// <summary>
/// A retriever that wraps another, the base of retriever decorators (rerankers, caches, filters) in the style of
/// Microsoft.Extensions.AI's <c>DelegatingChatClient</c>: every call forwards to <see cref="InnerRetriever"/> unless overridden,
/// and <see cref="GetService"/> answers for the decorator itself before asking the inner retriever, so a capability of the store
/// (such as <see cref="Storage.IFilterProbe"/>) is found through any stack of decorators.
/// </summary>
public abstract class DelegatingRetriever : IRetriever
{
    /// <summary>Initializes a decorator around <paramref name="innerRetriever"/>.</summary>
    /// <param name="innerRetriever">The retriever to forward to.</param>
    protected DelegatingRetriever(IRetriever innerRetriever)
    {
        ArgumentNullException.ThrowIfNull(innerRetriever);
        InnerRetriever = innerRetriever;
    }

    /// <summary>Gets the retriever this one forwards to.</summary>
    protected IRetriever InnerRetriever { get; }

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
        InnerRetriever.RetrieveAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerRetriever.GetService(serviceType, serviceKey);
    }
}
