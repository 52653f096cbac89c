using System.Diagnostics;

namespace HybridAnswer.PgVector.Tests;

/// <summary>The pipeline behaviours that only the in-memory store had before both stores shared one pipeline, now on PostgreSQL
/// with each <see cref="PgVectorStorage"/>.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorPipelineTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(PgVectorStorage.Float32)]
    [InlineData(PgVectorStorage.Float16)]
    public async Task UpsertAsync_EmbedderReturnsEmptyVector_RejectedAndNothingStored(PgVectorStorage storage)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, new TestEmbedder(16, _ => []), new() { VectorStorage = storage });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => knowledgeBase.UpsertAsync([new KnowledgeDocument("kettle", "Kettle", "The kettle boils water.")]));

        Assert.Contains("empty vector", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await knowledgeBase.CountAsync());
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32)]
    [InlineData(PgVectorStorage.Float16)]
    public async Task RetrieveAsync_EmitsTheEmbedSpanLikeInMemory(PgVectorStorage storage)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(32), new() { VectorStorage = storage });
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("kettle", "EK-17 kettle", "The kettle boils 1.7 litres in four minutes.")]);
        var spans = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == HybridAnswerTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => spans.Add(a.OperationName),
        };
        ActivitySource.AddActivityListener(listener);

        var results = await knowledgeBase.RetrieveAsync(new RetrievalRequest("How fast does the kettle boil?"));

        Assert.Equal("kettle", Assert.Single(results).DocumentId);
        Assert.Contains("hybrid_answer.embed", spans);
    }
}
