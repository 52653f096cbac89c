using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.Retrieval;

public sealed class RetrieverPipelineTests
{
    private static readonly RetrievedChunk Relevant = RecordingRetriever.Chunk("returns", "Items can be returned within 30 days of delivery.", 0.9);
    private static readonly RetrievedChunk Irrelevant = RecordingRetriever.Chunk("noise", "Our office plants are watered on Mondays.", 0.01);

    /// <summary>A reranker on its own scale: every score becomes far below any cosine floor.</summary>
    private sealed class RescoringRetriever(IRetriever inner, double score, List<string>? calls = null, string name = "") : IRetriever
    {
        public IReadOnlyList<RetrievedChunk> Seen { get; private set; } = [];

        public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
        {
            calls?.Add(name);
            Seen = await inner.RetrieveAsync(request, cancellationToken);
            return [.. Seen.Select(c => c with { Score = score })];
        }
    }

    private static async Task<(Answer Answer, ServiceProvider Provider)> AnswerAsync(IRetriever store, Action<HybridAnsweringBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        configure(services.AddHybridAnswering(o => o.MinScore = 0.3));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        return (await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How long do I have to return an item?"), provider);
    }

    [Fact]
    public async Task UseRetriever_RerankerScoresBelowMinScore_AreNotCutByTheAnswerer()
    {
        var (answer, provider) = await AnswerAsync(new RecordingRetriever(Relevant), b => b.UseRetriever((_, inner) => new RescoringRetriever(inner, score: 0.001)));
        await using var _ = provider;

        Assert.True(answer.Answered);
        var source = Assert.Single(answer.Sources);
        Assert.Equal(0.001, source.Score);
    }

    [Fact]
    public async Task UseRetriever_StoreIgnoresMinScore_FloorStillAppliesBeneathTheDecorators()
    {
        RescoringRetriever? reranker = null;
        var (answer, provider) = await AnswerAsync(new RecordingRetriever(Irrelevant, Relevant), b => b.UseRetriever((_, inner) => reranker = new RescoringRetriever(inner, score: 0.5)));
        await using var _ = provider;

        Assert.Equal(["returns"], reranker!.Seen.Select(c => c.DocumentId));
        Assert.Equal(["returns"], answer.Sources.Select(c => c.DocumentId));
    }

    [Fact]
    public async Task UseRetriever_StoreReturnsOnlyIrrelevant_RefusesWithoutSources()
    {
        var (answer, provider) = await AnswerAsync(new RecordingRetriever(Irrelevant), b => b.UseRetriever((_, inner) => new RescoringRetriever(inner, score: 0.5)));
        await using var _ = provider;

        Assert.False(answer.Answered);
        Assert.Equal(NoAnswerReason.NoRelevantSources, answer.NoAnswerReason);
    }

    [Fact]
    public async Task UseRetriever_TwoDecorators_FirstRegisteredIsInnermost()
    {
        var calls = new List<string>();
        var (_, provider) = await AnswerAsync(new RecordingRetriever(Relevant), b => b
            .UseRetriever((_, inner) => new RescoringRetriever(inner, 0.9, calls, "first"))
            .UseRetriever((_, inner) => new RescoringRetriever(inner, 0.9, calls, "second")));
        await using var __ = provider;

        Assert.Equal(["second", "first"], calls);
    }

    [Fact]
    public async Task UseRetriever_RetrieverService_StaysTheUndecoratedStore()
    {
        var store = new RecordingRetriever(Relevant);
        var (_, provider) = await AnswerAsync(store, b => b.UseRetriever((_, inner) => new RescoringRetriever(inner, 0.001)));
        await using var _ = provider;

        Assert.Same(store, provider.GetRequiredService<IRetriever>());
    }

    [Fact]
    public async Task UseRetriever_AnswererTakesAtMostTopK()
    {
        var chunks = Enumerable.Range(0, 8).Select(i => RecordingRetriever.Chunk($"d{i}", $"Returns policy number {i}.", 0.9 - (i * 0.01))).ToArray();
        var services = new ServiceCollection();
        services.AddSingleton<IRetriever>(new RecordingRetriever(chunks));
        services.AddHybridAnswering().UseRetriever((_, inner) => inner);
        await using var provider = services.BuildServiceProvider();

        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("returns?", new AnswerOptions { TopK = 3 });

        Assert.Equal(["d0", "d1", "d2"], answer.Sources.Select(s => s.DocumentId));
    }

    [Fact]
    public async Task Constructor_StoreIgnoresMinScore_FloorApplied()
    {
        var answerer = new HybridAnswerer(new RecordingRetriever(Irrelevant, Relevant), new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions { MinScore = 0.3 }));

        var answer = await answerer.AnswerAsync("How long do I have to return an item?");

        Assert.Equal(["returns"], answer.Sources.Select(c => c.DocumentId));
    }
}
