using HybridAnswer.Evaluation;
using HybridAnswer.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Tests.Evaluation;

/// <summary>The ranking eval measures is the one the answers are built from: the knowledge base with the decorators added with UseRetriever.</summary>
public sealed class EvaluatorPipelineTests
{
    private const string Question = "Within how many days of delivery are returns accepted?";

    [Fact]
    public async Task EvaluateAsync_DecoratorAddedWithUseRetriever_RankingIsTheAnswerersNotTheBareKnowledgeBase()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UseRetriever((_, inner) => new PinningRetriever(inner, "shipping"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
        [
            new KnowledgeDocument("returns", "Returns", "Returns are accepted within 30 days of delivery for a full refund."),
            new KnowledgeDocument("shipping", "Shipping", "Shipping is free on orders of $49 or more within the country."),
        ]);
        var answerer = provider.GetRequiredService<HybridAnswerer>();
        var sources = await answerer.RetrieveAsync(Question);

        var report = await new Evaluator(answerer).EvaluateAsync(
            [new EvaluationQuestion { Question = Question, ExpectedDocuments = ["returns"] }]);

        Assert.Equal("shipping", sources[0].DocumentId);
        Assert.Equal(["shipping", "returns"], report.Outcomes[0].RankedDocuments);
        Assert.Equal(0.0, report.HitAt1);
        Assert.Equal(2, report.Outcomes[0].FirstRelevantRank);
        Assert.NotNull(answerer.Retriever.GetService<PinningRetriever>());
        Assert.Same(provider.GetRequiredService<IKnowledgeBase>(), answerer.Retriever.GetService<IKnowledgeBase>());
    }

    [Fact]
    public async Task Retriever_AnswererOverABareRetriever_FloorOnlyWhenTheRequestCarriesOne()
    {
        var knowledge = new HybridAnswer.InMemory.InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await knowledge.UpsertAsync([new KnowledgeDocument("returns", "Returns", "Returns are accepted within 30 days of delivery for a full refund.")]);
        var answerer = new HybridAnswerer(knowledge, new ExtractiveGenerator(), Microsoft.Extensions.Options.Options.Create(new HybridAnsweringOptions { MinScore = 0.99 }));

        var unfloored = await answerer.Retriever.RetrieveAsync(new RetrievalRequest(Question));
        var floored = await answerer.Retriever.RetrieveAsync(new RetrievalRequest(Question) { MinScore = 0.99 });

        Assert.Equal("returns", Assert.Single(unfloored).DocumentId);
        Assert.Empty(floored);
        Assert.Empty(await answerer.RetrieveAsync(Question));
    }
}
