namespace HybridAnswer.Tests.Shared;

/// <summary>
/// A reranker for tests that puts one document's chunks first, whatever the depth asked (so eval, which asks deeper than an
/// answer, sees the same order). Shared by the in-memory and PostgreSQL evaluation tests.
/// </summary>
internal sealed class PinningRetriever(IRetriever inner, string documentId) : DelegatingRetriever(inner)
{
    public override async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        var chunks = await InnerRetriever.RetrieveAsync(request, cancellationToken).ConfigureAwait(false);
        return [.. chunks.OrderBy(c => c.DocumentId == documentId ? 0 : 1)];
    }
}
