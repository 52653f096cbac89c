using System.Diagnostics;
using Microsoft.Extensions.Options;

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

    [Fact]
    public async Task RetrieveAsync_FilterOnMultiValuedField_MatchesDocumentsWhoseListHasTheValue()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(32));
        await knowledgeBase.UpsertAsync(TaggedDocuments);

        var billing = await knowledgeBase.RetrieveAsync(new RetrievalRequest("refund invoice") { TopK = 10, Filter = new Dictionary<string, string> { ["tags"] = "billing" } });
        var published = await knowledgeBase.RetrieveAsync(new RetrievalRequest("refund invoice") { TopK = 10, Filter = new Dictionary<string, string> { ["tags"] = "billing", ["status"] = "published" } });

        Assert.Equal(["invoices", "refunds"], billing.Select(r => r.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal(["refunds"], published.Select(r => r.DocumentId));
        Assert.Equal(["billing", "refunds"], published[0].MultiValuedMetadata["tags"]);
        Assert.Equal("published", published[0].Metadata["status"]);
        Assert.False(published[0].Metadata.ContainsKey("tags"));
        Assert.Equal(["billing"], billing.Single(r => r.DocumentId == "invoices").MultiValuedMetadata["tags"]);
    }

    [Fact]
    public async Task UpsertAsync_Lists_StoredAsJsonArraysAndUnchangedOnTheNextRun()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(32));
        await knowledgeBase.UpsertAsync(TaggedDocuments);

        var again = await knowledgeBase.UpsertAsync(TaggedDocuments);
        await using var command = dataSource.CreateCommand("SELECT metadata::text FROM hybridanswer_chunks WHERE document_id = 'refunds'");
        var stored = (string)(await command.ExecuteScalarAsync())!;

        Assert.Equal((0, 0, 3), (again.Added, again.Updated, again.Unchanged));
        Assert.Equal("""{"tags": ["billing", "refunds"], "status": "published"}""", stored);
    }

    [Theory]
    [InlineData("k", "a\" || true || \"")]
    [InlineData("a\\\"b", "x\\")]
    [InlineData("$.k", "@ == @")]
    [InlineData("k", "line\nbreak\ttab\u0001")]
    [InlineData("ключ", "😀 é")]
    [InlineData("a.b", "strict $")]
    public async Task RetrieveAsync_FilterWithJsonPathSyntax_MatchesOnlyTheEqualValue(string key, string value)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(32));
        await knowledgeBase.UpsertAsync(
        [
            new KnowledgeDocument("single", "Single", "The kettle boils water.") { Metadata = new Dictionary<string, string> { [key] = value } },
            new KnowledgeDocument("list", "List", "The kettle boils water.") { MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { [key] = ["other", value] } },
            new KnowledgeDocument("near", "Near", "The kettle boils water.") { Metadata = new Dictionary<string, string> { [key] = value + " " } },
        ]);

        var results = await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle") { TopK = 10, Filter = new Dictionary<string, string> { [key] = value } });

        Assert.Equal(["list", "single"], results.Select(r => r.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal(value, results.Single(r => r.DocumentId == "single").Metadata[key]);
        Assert.Equal(["other", value], results.Single(r => r.DocumentId == "list").MultiValuedMetadata[key]);
    }

    [Theory]
    [InlineData("status", "publshed", null, "FilterMatchedNothing")] // a typo in the value
    [InlineData("tags", "biling", null, "FilterMatchedNothing")] // a typo in a list value
    [InlineData("tags", "billing", 0.99, "NoRelevantSources")] // the filter matches; nothing clears the floor
    public async Task AnswerAsync_FilterMatchesNoDocument_SaysSoLikeInMemory(string key, string value, double? minScore, string reason)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(32));
        await knowledgeBase.UpsertAsync(TaggedDocuments);
        var answerer = new HybridAnswerer(knowledgeBase, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));

        var answer = await answerer.AnswerAsync("How long does a refund take?", new AnswerOptions { MinScore = minScore, Filter = new Dictionary<string, string> { [key] = value } });

        Assert.False(answer.Answered);
        Assert.Equal(Enum.Parse<NoAnswerReason>(reason), answer.NoAnswerReason);
    }

    [Fact]
    public async Task AnswerAsync_FilterMatchesOnlyAnotherTenant_FilterMatchedNothing()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(32), new PgVectorKnowledgeBaseOptions { MultiTenant = true });
        await knowledgeBase.UpsertAsync([.. TaggedDocuments.Select(d => d with { TenantId = "acme" })]);
        await knowledgeBase.UpsertAsync([TaggedDocuments[1] with { TenantId = "globex" }]);
        var answerer = new HybridAnswerer(knowledgeBase, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));

        var answer = await answerer.AnswerAsync("How long does a refund take?", new AnswerOptions { TenantId = "globex", Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.Equal(NoAnswerReason.FilterMatchedNothing, answer.NoAnswerReason);
    }

    private static readonly KnowledgeDocument[] TaggedDocuments =
    [
        new("refunds", "Refunds", "Refunds are paid back to the card within five days.")
        {
            Metadata = new Dictionary<string, string> { ["status"] = "published" },
            MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["billing", "refunds"] },
        },
        new("invoices", "Invoices", "Every invoice and refund is listed under Billing.")
        {
            Metadata = new Dictionary<string, string> { ["status"] = "draft" },
            MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["billing"] },
        },
        new("shipping", "Shipping", "A refund for a lost parcel needs a tracking number.")
        {
            Metadata = new Dictionary<string, string> { ["status"] = "published", ["tags"] = "billing-adjacent" },
        },
    ];
}
