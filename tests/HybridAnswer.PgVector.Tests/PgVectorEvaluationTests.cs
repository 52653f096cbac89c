using HybridAnswer.Evaluation;
using HybridAnswer.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.PgVector.Tests;

/// <summary>On PostgreSQL too, eval ranks through the answerer's pipeline (the store beneath the UseRetriever decorators).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorEvaluationTests(PostgresFixture postgres)
{
    private const string Question = "Within how many days of delivery are returns accepted?";

    [Fact]
    public async Task EvaluateAsync_PgVectorWithADecoratorAddedWithUseRetriever_RankingIsTheAnswerers()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddHybridAnswering().UsePgVector(dataSource.ConnectionString).UseRetriever((_, inner) => new PinningRetriever(inner, "shipping"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
        [
            new KnowledgeDocument("returns", "Returns", "Returns are accepted within 30 days of delivery for a full refund."),
            new KnowledgeDocument("shipping", "Shipping", "Shipping is free on orders of $49 or more within the country."),
        ]);
        var answerer = provider.GetRequiredService<HybridAnswerer>();
        var bare = await provider.GetRequiredService<IRetriever>().RetrieveAsync(new RetrievalRequest(Question));

        var report = await new Evaluator(answerer).EvaluateAsync([new EvaluationQuestion { Question = Question, ExpectedDocuments = ["returns"] }]);

        Assert.Equal("returns", bare[0].DocumentId);
        Assert.Equal("shipping", (await answerer.RetrieveAsync(Question))[0].DocumentId);
        Assert.Equal(["shipping", "returns"], report.Outcomes[0].RankedDocuments);
        Assert.Equal(0.0, report.HitAt1);
        Assert.IsType<PgVectorKnowledgeBase>(answerer.Retriever.GetService<IKnowledgeBase>());
    }
}
