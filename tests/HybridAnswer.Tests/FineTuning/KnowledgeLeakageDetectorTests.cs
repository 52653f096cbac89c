using HybridAnswer.FineTuning;
using Moq;

namespace HybridAnswer.Tests.FineTuning;

public sealed class KnowledgeLeakageDetectorTests
{
    private static readonly KnowledgeDocument Blender = new("products/kb-450-blender", "KB-450 Blender", "The KB-450 blender has a 1,200 W motor and a 1.5 litre jar. Its warranty lasts 2 years.");

    [Theory]
    [InlineData("The KB-450 comes with a 1.5 litre jar.")]
    [InlineData("Good news: the KB-450 blender warranty lasts 2 years!")]
    public async Task FindAsync_SentenceWithKnowledgeFacts_IsALeak(string answer)
    {
        var leaks = await new KnowledgeLeakageDetector([Blender]).FindAsync("Thanks for asking! " + answer);

        var leak = Assert.Single(leaks);
        Assert.Equal(answer, leak.Sentence);
        Assert.Equal("products/kb-450-blender", leak.DocumentId);
        Assert.NotEmpty(leak.SharedFacts);
    }

    [Theory]
    [InlineData("Thanks for reaching out, happy to help with anything else!")]
    [InlineData("Our team answers within 2 hours.")]
    public async Task FindAsync_StyleOrUnrelatedFacts_IsNotALeak(string answer) =>
        Assert.Empty(await new KnowledgeLeakageDetector([Blender]).FindAsync(answer));

    [Fact]
    public async Task FindAsync_WithRetriever_ChecksTheRetrievedChunks()
    {
        var retriever = new Mock<IRetriever>(MockBehavior.Strict);
        retriever.Setup(r => r.RetrieveAsync(It.IsAny<RetrievalRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([new RetrievedChunk { ChunkId = "returns#0", DocumentId = "returns", Ordinal = 0, Title = "Returns", Content = "Refunds are issued within 5 business days of receiving the item.", Score = 0.8 }]);

        var leaks = await new KnowledgeLeakageDetector(retriever.Object).FindAsync("Refunds are issued within 5 business days.");

        Assert.Equal("returns", Assert.Single(leaks).DocumentId);
        Assert.Equal(["5"], leaks[0].SharedFacts);
        retriever.Verify(r => r.RetrieveAsync(It.Is<RetrievalRequest>(q => q.Query == "Refunds are issued within 5 business days." && q.TopK == 3), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public void Facts_FindsNumbersAndCodes() =>
        Assert.Equal(["kb-450", "1,200", "1.5", "14:00"], KnowledgeLeakageDetector.Facts("The KB-450 has 1,200 W, a 1.5 l jar, ships by 14:00."));
}
