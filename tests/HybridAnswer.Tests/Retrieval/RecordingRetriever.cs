namespace HybridAnswer.Tests.Retrieval;

/// <summary>A retriever that returns fixed chunks, ignoring TopK and MinScore (as a careless store would), and records its requests.</summary>
internal sealed class RecordingRetriever(params RetrievedChunk[] chunks) : IRetriever
{
    public List<RetrievalRequest> Requests { get; } = [];

    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        return Task.FromResult<IReadOnlyList<RetrievedChunk>>(chunks);
    }

    public static RetrievedChunk Chunk(string id, string content, double score = 0.8, float[]? embedding = null) => new()
    {
        ChunkId = id + "#0",
        DocumentId = id,
        Ordinal = 0,
        Title = id,
        Content = content,
        Score = score,
        Embedding = embedding ?? ReadOnlyMemory<float>.Empty,
    };
}
