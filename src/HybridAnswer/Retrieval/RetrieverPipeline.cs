using HybridAnswer.Storage;

namespace HybridAnswer;

/// <summary>
/// The retriever an answerer calls: the store, the score floor directly around it (applied by the store itself when it is a
/// <see cref="ChunkStoreKnowledgeBase"/>), then the decorators registered with
/// <c>UseRetriever</c>, first registered innermost. Being its own type lets <see cref="HybridAnswerer"/> tell a composed
/// pipeline (floor already inside, decorators above it free to rescore) from a bare retriever (which it wraps in the floor).
/// </summary>
internal sealed class RetrieverPipeline : IRetriever
{
    private readonly IRetriever _outer;

    private RetrieverPipeline(IRetriever outer, IRetriever store)
    {
        _outer = outer;
        Store = store;
    }

    /// <summary>Gets the knowledge base's retriever at the bottom of the pipeline (beneath the floor and every decorator).</summary>
    public IRetriever Store { get; }

    /// <summary>Composes the pipeline around <paramref name="store"/>.</summary>
    /// <param name="store">The knowledge base's retriever.</param>
    /// <param name="decorators">Applied in order: the first wraps the floor, the last is called first.</param>
    public static RetrieverPipeline Create(IRetriever store, IEnumerable<Func<IRetriever, IRetriever>> decorators)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(decorators);
        var bottom = store switch
        {
            RetrieverPipeline pipeline => pipeline.Store,
            ScoreFloorRetriever floor => floor.Inner,
            _ => store,
        };
        if (store is RetrieverPipeline composed)
        {
            store = composed._outer;
        }

        // The floor once, directly around the store: a knowledge base over a chunk store applies it itself (found through any
        // decorators with GetService), any other retriever gets the ScoreFloorRetriever.
        IRetriever current = store is ScoreFloorRetriever || store.GetService<ChunkStoreKnowledgeBase>() is not null ? store : new ScoreFloorRetriever(store);
        foreach (var decorate in decorators)
        {
            current = decorate(current) ?? throw new InvalidOperationException("A retriever decorator (UseRetriever) returned null.");
        }

        return new RetrieverPipeline(current, bottom);
    }

    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
        _outer.RetrieveAsync(request, cancellationToken);

    /// <summary>Asks the outermost decorator, which forwards down to the store: a capability is found through the decorators, never around them.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _outer.GetService(serviceType, serviceKey);
    }
}
