namespace HybridAnswer.Tests.Generation;

/// <summary>A retriever that returns fixed chunks and counts its calls.</summary>
internal sealed class FakeRetriever(params RetrievedChunk[] chunks) : IRetriever
{
    public int Calls { get; private set; }

    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult<IReadOnlyList<RetrievedChunk>>(chunks);
    }

    public static RetrievedChunk Chunk(string id, string content, double score = 0.8, string? title = null) => new()
    {
        ChunkId = id + "#0",
        DocumentId = id,
        Ordinal = 0,
        Title = title ?? id,
        Content = content,
        Score = score,
    };
}
