namespace HybridAnswer;

/// <summary>Typed access to <see cref="IRetriever.GetService"/>.</summary>
public static class RetrieverExtensions
{
    /// <summary>Asks the retriever (and, through its decorators, the store beneath it) for an object of type <typeparamref name="TService"/>.</summary>
    /// <typeparam name="TService">The type of object requested.</typeparam>
    /// <param name="retriever">The retriever.</param>
    /// <param name="serviceKey">An optional key; <see langword="null"/> for the unkeyed object.</param>
    /// <returns>The object, or <see langword="null"/> when there is none.</returns>
    public static TService? GetService<TService>(this IRetriever retriever, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        return retriever.GetService(typeof(TService), serviceKey) is TService service ? service : default;
    }
}
