using System.Diagnostics;
using HybridAnswer.InMemory;
using Microsoft.Extensions.AI;
using Moq;

namespace HybridAnswer.Tests.Knowledge;

/// <summary>
/// The behaviours that had drifted between the two stores before the pipeline was written once, checked through the in-memory
/// store (the PostgreSQL twins are in HybridAnswer.PgVector.Tests): the stricter behaviour of the two now holds for both.
/// </summary>
public sealed class KnowledgePipelineTests
{
    private static readonly KnowledgeDocument Kettle = new("kettle", "EK-17 kettle", "The kettle boils 1.7 litres in four minutes.");

    [Fact]
    public async Task UpsertAsync_NulInContent_RejectedLikePostgreSql()
    {
        var knowledgeBase = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => knowledgeBase.UpsertAsync([new KnowledgeDocument("nul", "Nul", "before\0after")]));

        Assert.Equal("documents", error.ParamName);
        Assert.Contains("NUL", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, knowledgeBase.ChunkCount);
    }

    [Fact]
    public async Task RetrieveAsync_EmbedderReturnsTwoVectorsForOneQuery_InvalidOperationException()
    {
        var embedder = new Mock<IEmbeddingGenerator<string, Embedding<float>>>();
        embedder.Setup(e => e.GenerateAsync(It.IsAny<IEnumerable<string>>(), It.IsAny<EmbeddingGenerationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IEnumerable<string> texts, EmbeddingGenerationOptions? _, CancellationToken _) =>
                new GeneratedEmbeddings<Embedding<float>>(texts.Count() == 1
                    ? [new Embedding<float>(new float[] { 1, 0 }), new Embedding<float>(new float[] { 0, 1 })]
                    : texts.Select(_ => new Embedding<float>(new float[] { 1, 0 }))));
        var knowledgeBase = new InMemoryKnowledgeBase(embedder.Object);
        await knowledgeBase.UpsertAsync([Kettle, new KnowledgeDocument("other", "Other", "Something else entirely.")]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle")));

        Assert.Contains("2 embeddings for one query", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_EmbeddingBatchSize_NoCallCarriesMoreTexts()
    {
        var hashing = new HashingEmbeddingGenerator();
        var batches = new List<int>();
        var embedder = new Mock<IEmbeddingGenerator<string, Embedding<float>>>();
        embedder.Setup(e => e.GenerateAsync(It.IsAny<IEnumerable<string>>(), It.IsAny<EmbeddingGenerationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns((IEnumerable<string> texts, EmbeddingGenerationOptions? options, CancellationToken token) =>
            {
                var list = texts.ToList();
                batches.Add(list.Count);
                return hashing.GenerateAsync(list, options, token);
            });
        var knowledgeBase = new InMemoryKnowledgeBase(embedder.Object, options: new InMemoryKnowledgeBaseOptions { EmbeddingBatchSize = 3 });

        await knowledgeBase.UpsertAsync(Enumerable.Range(0, 10).Select(i => new KnowledgeDocument($"d{i}", $"Doc {i}", $"Document number {i} talks about topic {i}.")));

        Assert.Equal([3, 3, 3, 1], batches);
        Assert.Equal(10, knowledgeBase.ChunkCount);
    }

    [Fact]
    public async Task UpsertAsync_EmbedderFailsOnSecondBatch_NothingStored()
    {
        var hashing = new HashingEmbeddingGenerator();
        var calls = 0;
        var embedder = new Mock<IEmbeddingGenerator<string, Embedding<float>>>();
        embedder.Setup(e => e.GenerateAsync(It.IsAny<IEnumerable<string>>(), It.IsAny<EmbeddingGenerationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns((IEnumerable<string> texts, EmbeddingGenerationOptions? options, CancellationToken token) =>
                ++calls == 2 ? throw new HttpRequestException("embedding service down") : hashing.GenerateAsync(texts, options, token));
        var knowledgeBase = new InMemoryKnowledgeBase(embedder.Object, options: new InMemoryKnowledgeBaseOptions { EmbeddingBatchSize = 2 });

        await Assert.ThrowsAsync<HttpRequestException>(() => knowledgeBase.UpsertAsync(Enumerable.Range(0, 5).Select(i => new KnowledgeDocument($"d{i}", $"Doc {i}", $"Text {i}."))));

        Assert.Equal(0, knowledgeBase.ChunkCount);
        Assert.Equal(0, await knowledgeBase.CountAsync());
    }

    [Fact]
    public async Task RetrieveAsync_AnyStore_EmitsTheEmbedSpan()
    {
        var knowledgeBase = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await knowledgeBase.UpsertAsync([Kettle]);
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
        var knowledgeBase = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await knowledgeBase.UpsertAsync(TaggedDocuments);

        var billing = await knowledgeBase.RetrieveAsync(new RetrievalRequest("refund invoice") { TopK = 10, Filter = new Dictionary<string, string> { ["tags"] = "billing" } });
        var published = await knowledgeBase.RetrieveAsync(new RetrievalRequest("refund invoice") { TopK = 10, Filter = new Dictionary<string, string> { ["tags"] = "billing", ["status"] = "published" } });

        Assert.Equal(["invoices", "refunds"], billing.Select(r => r.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal(["refunds"], published.Select(r => r.DocumentId));
        Assert.Equal(["billing", "refunds"], published[0].MultiValuedMetadata["tags"]);
        Assert.Equal("published", published[0].Metadata["status"]);
    }

    [Fact]
    public async Task UpsertAsync_SameListsAgain_Unchanged_ChangedList_Updated()
    {
        var knowledgeBase = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await knowledgeBase.UpsertAsync(TaggedDocuments);

        var again = await knowledgeBase.UpsertAsync(TaggedDocuments);
        var retagged = await knowledgeBase.UpsertAsync([TaggedDocuments[0] with { MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["billing"] } }]);

        Assert.Equal((0, 0, 3), (again.Added, again.Updated, again.Unchanged));
        Assert.Equal(1, retagged.Updated);
    }

    [Theory]
    [InlineData("both")]
    [InlineData("null list")]
    [InlineData("null value")]
    [InlineData("nul in value")]
    [InlineData("nul in key")]
    [InlineData("lone surrogate in value")]
    [InlineData("lone surrogate in key")]
    public async Task UpsertAsync_BadMultiValuedMetadata_RejectedAndNothingStored(string problem)
    {
        var knowledgeBase = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        IReadOnlyDictionary<string, IReadOnlyList<string>> lists = problem switch
        {
            "both" => new Dictionary<string, IReadOnlyList<string>> { ["status"] = ["published"] },
            "null list" => new Dictionary<string, IReadOnlyList<string>> { ["tags"] = null! },
            "null value" => new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["a", null!] },
            "nul in value" => new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["a\0b"] },
            "nul in key" => new Dictionary<string, IReadOnlyList<string>> { ["ta\0gs"] = ["a"] },
            "lone surrogate in value" => new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["a\uD800"] },
            _ => new Dictionary<string, IReadOnlyList<string>> { ["ta\uDC00gs"] = ["a"] },
        };
        var document = new KnowledgeDocument("d", "D", "text") { Metadata = new Dictionary<string, string> { ["status"] = "draft" }, MultiValuedMetadata = lists };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => knowledgeBase.UpsertAsync([Kettle, document]));

        Assert.Equal("documents", error.ParamName);
        Assert.Contains("'d'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, knowledgeBase.ChunkCount);
    }

    internal static KnowledgeDocument[] TaggedDocuments { get; } =
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
