namespace HybridAnswer;

/// <summary>
/// One <c>UseRetriever</c> registration. Registered as a singleton per call, so the container's enumeration order is the
/// registration order, and calling <c>AddHybridAnswering()</c> again (a new builder) keeps the decorators already added.
/// </summary>
internal sealed class RetrieverDecorator(Func<IServiceProvider, IRetriever, IRetriever> decorate)
{
    public Func<IServiceProvider, IRetriever, IRetriever> Decorate { get; } = decorate;
}
