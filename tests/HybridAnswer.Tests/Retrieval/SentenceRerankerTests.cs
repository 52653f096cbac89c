using HybridAnswer.Tests.Generation;

namespace HybridAnswer.Tests.Retrieval;

public sealed class SentenceRerankerTests
{
    [Fact]
    public async Task RetrieveAsync_LowerCandidateHoldsTheClosestPassage_MovesItFirstKeepsScoresAndTopK()
    {
        var general = FakeRetriever.Chunk("overview", "Lanterns come in many shapes. The lantern catalogue lists every model. Colours vary by season.", score: 0.61);
        var specific = FakeRetriever.Chunk("reset", "Shipping notes follow. To reset the lantern password, hold the dimmer button for ten seconds.", score: 0.55);
        var other = FakeRetriever.Chunk("other", "Candles are sold separately in packs of six.", score: 0.40);
        var inner = new FakeRetriever(general, specific, other);
        var reranker = new SentenceReranker(inner, new HashingEmbeddingGenerator());

        var results = await reranker.RetrieveAsync(new RetrievalRequest("How do I reset the lantern password?") { TopK = 2 });

        Assert.Equal(["reset", "overview"], results.Select(c => c.DocumentId));
        Assert.Equal([0.55, 0.61], results.Select(c => c.Score));
    }

    [Fact]
    public async Task RetrieveAsync_AsksTheInnerRetrieverForMoreCandidates()
    {
        var inner = new RecordingRetriever();
        var reranker = new SentenceReranker(inner, new HashingEmbeddingGenerator());

        await reranker.RetrieveAsync(new RetrievalRequest("anything at all") { TopK = 5 });

        Assert.Equal(5 * SentenceReranker.CandidateFactor, inner.LastTopK);
    }

    private sealed class RecordingRetriever : IRetriever
    {
        public int LastTopK { get; private set; }

        public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
        {
            LastTopK = request.TopK;
            return Task.FromResult<IReadOnlyList<RetrievedChunk>>([]);
        }
    }
}
