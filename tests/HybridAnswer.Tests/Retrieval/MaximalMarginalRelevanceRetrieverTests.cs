using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.Retrieval;

public sealed class MaximalMarginalRelevanceRetrieverTests
{
    // Three near-copies of one passage ranked first, then two different passages.
    private static readonly RetrievedChunk[] Candidates =
    [
        RecordingRetriever.Chunk("copy-1", "Returns within 30 days.", 0.90, [1f, 0f, 0f]),
        RecordingRetriever.Chunk("copy-2", "Returns within 30 days!", 0.89, [0.99f, 0.01f, 0f]),
        RecordingRetriever.Chunk("copy-3", "Returns within 30 days.", 0.88, [0.98f, 0f, 0.02f]),
        RecordingRetriever.Chunk("packaging", "Items must be unused.", 0.70, [0f, 1f, 0f]),
        RecordingRetriever.Chunk("refund", "Refunds take 5 days.", 0.65, [0.1f, 0f, 1f]),
    ];

    private static int Copies(IEnumerable<RetrievedChunk> chunks) => chunks.Count(c => c.DocumentId.StartsWith("copy-", StringComparison.Ordinal));

    [Fact]
    public async Task RetrieveAsync_NearDuplicatesWithEmbeddings_NoLongerFillTheTopK()
    {
        var inner = new RecordingRetriever(Candidates);
        var request = new RetrievalRequest("How do returns work?") { TopK = 3 };

        var plain = (await inner.RetrieveAsync(request)).Take(3).ToList();
        var diverse = await new MaximalMarginalRelevanceRetriever(inner).RetrieveAsync(request);

        Assert.Equal(3, Copies(plain));
        Assert.Equal(["copy-1", "packaging", "refund"], diverse.Select(c => c.DocumentId));
        Assert.Equal([0.90, 0.70, 0.65], diverse.Select(c => c.Score));
    }

    [Fact]
    public async Task RetrieveAsync_NoEmbeddings_FallsBackToLexicalSimilarity()
    {
        var inner = new RecordingRetriever([.. Candidates.Select(c => c with { Embedding = ReadOnlyMemory<float>.Empty })]);

        var diverse = await new MaximalMarginalRelevanceRetriever(inner).RetrieveAsync(new RetrievalRequest("returns") { TopK = 3 });

        Assert.Equal(1, Copies(diverse));
        Assert.Equal(3, diverse.Count);
    }

    [Theory]
    [InlineData(3, 4, 12)]
    [InlineData(30, 4, RetrievalRequest.MaxTopK)]
    [InlineData(5, 1, 5)]
    public async Task RetrieveAsync_AsksInnerForTopKTimesFactorCappedAtMaxTopK(int topK, int factor, int expected)
    {
        var inner = new RecordingRetriever(Candidates);

        await new MaximalMarginalRelevanceRetriever(inner, new MaximalMarginalRelevanceOptions { CandidateFactor = factor })
            .RetrieveAsync(new RetrievalRequest("returns") { TopK = topK, MinScore = 0.2 });

        var sent = Assert.Single(inner.Requests);
        Assert.Equal(expected, sent.TopK);
        Assert.Equal(0.2, sent.MinScore);
    }

    [Fact]
    public async Task RetrieveAsync_LambdaOne_RanksByScoreAlone()
    {
        var mmr = new MaximalMarginalRelevanceRetriever(new RecordingRetriever(Candidates), new MaximalMarginalRelevanceOptions { Lambda = 1 });

        var result = await mmr.RetrieveAsync(new RetrievalRequest("returns") { TopK = 3 });

        Assert.Equal(["copy-1", "copy-2", "copy-3"], result.Select(c => c.DocumentId));
    }

    [Theory]
    [InlineData(-0.1, 4)]
    [InlineData(1.1, 4)]
    [InlineData(0.5, 0)]
    [InlineData(0.5, 101)]
    public void Constructor_OptionOutOfRange_Throws(double lambda, int factor)
    {
        var options = new MaximalMarginalRelevanceOptions { Lambda = lambda, CandidateFactor = factor };

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new MaximalMarginalRelevanceRetriever(new RecordingRetriever(), options));
        Assert.StartsWith("HybridAnswering:MaximalMarginalRelevance:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseMaximalMarginalRelevance_InMemoryNearIdenticalDocuments_SourcesNoLongerAllCopies()
    {
        // The same passage imported four times with different formatting, and two other passages about returns.
        const string policy = "You can return most items within 30 days of delivery for a full refund";
        KnowledgeDocument[] documents =
        [
            TestData.Doc("copy-1", policy + "."),
            TestData.Doc("copy-2", policy + "!"),
            TestData.Doc("copy-3", "**" + policy + "**"),
            TestData.Doc("copy-4", policy.ToUpperInvariant() + "."),
            TestData.Doc("packaging", "Returned items must be unused and in their original packaging."),
            TestData.Doc("refund-time", "Refunds reach your card within 5 business days."),
        ];
        var question = "Can I return items within 30 days of delivery for a full refund?";
        var options = new AnswerOptions { TopK = 3 };

        var plain = await AnswerAsync(services => services.AddHybridAnswering(), documents, question, options);
        var diverse = await AnswerAsync(services => services.AddHybridAnswering().UseMaximalMarginalRelevance(), documents, question, options);

        Assert.Equal(3, Copies(plain.Sources));
        Assert.Equal(3, diverse.Sources.Count);
        Assert.Equal(1, Copies(diverse.Sources));
        Assert.Equal(["refund-time", "packaging"], diverse.Sources.Skip(1).Select(s => s.DocumentId));
        Assert.True(diverse.Answered);
    }

    [Fact]
    public async Task UseMaximalMarginalRelevance_OptionOutOfRange_FailsAtStart()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UseMaximalMarginalRelevance(o => o.Lambda = 2);
        await using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<HybridAnswerer>());
        Assert.Contains(nameof(MaximalMarginalRelevanceOptions.Lambda), e.Message, StringComparison.Ordinal);
    }

    private static async Task<Answer> AnswerAsync(Action<IServiceCollection> add, KnowledgeDocument[] documents, string question, AnswerOptions options)
    {
        var services = new ServiceCollection();
        add(services);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(documents);
        return await provider.GetRequiredService<HybridAnswerer>().AnswerAsync(question, options);
    }
}
