using HybridAnswer.Storage;
using HybridAnswer.StoreConformance;
using HybridAnswer.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Tests.Storage;

public sealed class ChunkStoreKnowledgeBaseTests
{
    private const ChunkStoreCapabilities Minimal = ChunkStoreCapabilities.VectorSearch;
    private const string Question = "How many days do I have to return an item?";

    private static readonly KnowledgeDocument[] Documents =
    [
        TestData.Doc("returns", "You can return most items within 30 days of delivery for a full refund.", "published"),
        TestData.Doc("shipping", "Standard shipping takes 3 to 5 business days and is free over $49.", "published"),
        TestData.Doc("draft", "Returns within 60 days are being considered.", "draft"),
    ];

    [Fact]
    public async Task UseChunkStore_StoreOnThePublicSeam_IngestsSkipsUnchangedAndAnswers()
    {
        var store = new ListChunkStore(Minimal);
        var services = new ServiceCollection();
        services.AddHybridAnswering().UseChunkStore(_ => store);
        using var provider = services.BuildServiceProvider();
        var knowledgeBase = provider.GetRequiredService<IKnowledgeBase>();

        var first = await knowledgeBase.UpsertAsync(Documents);
        var second = await knowledgeBase.UpsertAsync(Documents);
        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How many days do I have to return an item?");

        Assert.Equal((3, 0), (first.Added, first.Unchanged));
        Assert.Equal((0, 3), (second.Added, second.Unchanged));
        Assert.True(answer.Answered);
        Assert.Equal("returns", answer.Sources[0].DocumentId);
        Assert.Same(store, provider.GetRequiredService<ChunkStoreKnowledgeBase>().GetService<IChunkStore>());
    }

    [Theory]
    [InlineData("hybridanswer-minilm-2", "all-MiniLM-L6-v2")] // the provider renamed itself: it reads text differently now
    [InlineData("hybridanswer-minilm", "all-MiniLM-L12-v2")] // another model of the same dimensions
    public async Task UpsertAsync_SameDocumentsAnotherEmbedder_EveryDocumentReembeddedOnceThenUnchanged(string provider, string model)
    {
        // The store outlives the process that filled it (a database, a vector service): a later ingest of the same folder with
        // another embedder must not keep the old vectors, or questions are compared with vectors of another model.
        var store = new ListChunkStore(Minimal);
        var old = TestEmbedder.Hashing();
        Assert.Equal(3, (await new ChunkStoreKnowledgeBase(store, new RenamedEmbedder(old, "hybridanswer-minilm", "all-MiniLM-L6-v2")).UpsertAsync(Documents)).Added);
        var upgraded = TestEmbedder.Hashing();
        var knowledgeBase = new ChunkStoreKnowledgeBase(store, new RenamedEmbedder(upgraded, provider, model));

        var reingested = await knowledgeBase.UpsertAsync(Documents);
        var embedded = upgraded.Inputs;
        var again = await new ChunkStoreKnowledgeBase(store, new RenamedEmbedder(upgraded, provider, model)).UpsertAsync(Documents);

        Assert.Equal((0, 3, 0), (reingested.Added, reingested.Updated, reingested.Unchanged));
        Assert.Equal(3, embedded);
        Assert.Equal((0, 0, 3), (again.Added, again.Updated, again.Unchanged));
        Assert.Equal(3, upgraded.Inputs);
    }

    [Fact]
    public async Task CountAsync_StoreDoesNotDeclareCounts_CountsTheListedIds()
    {
        var knowledgeBase = new ChunkStoreKnowledgeBase(new ListChunkStore(Minimal), new HashingEmbeddingGenerator());
        await knowledgeBase.UpsertAsync(Documents);

        Assert.Equal(3, await knowledgeBase.CountAsync());
    }

    [Fact]
    public async Task RetrieveAsync_KeywordOnlyStore_QueryIsNotEmbedded()
    {
        var store = new ListChunkStore(ChunkStoreCapabilities.KeywordSearch);
        var knowledgeBase = new ChunkStoreKnowledgeBase(store, new HashingEmbeddingGenerator());
        await knowledgeBase.UpsertAsync(Documents);

        var found = await knowledgeBase.RetrieveAsync(new RetrievalRequest("return"));

        Assert.Equal(1, store.Searches);
        Assert.Null(store.LastQueryVector);
        Assert.Equal(3, found.Count);
    }

    [Fact]
    public async Task RetrieveAsync_VectorStore_UnitLengthQueryVector()
    {
        var store = new ListChunkStore(Minimal);
        var knowledgeBase = new ChunkStoreKnowledgeBase(store, new HashingEmbeddingGenerator());
        await knowledgeBase.UpsertAsync(Documents);

        await knowledgeBase.RetrieveAsync(new RetrievalRequest("return"));

        Assert.NotNull(store.LastQueryVector);
        Assert.Equal(1.0, System.Numerics.Tensors.TensorPrimitives.Norm(store.LastQueryVector), 4);
    }

    [Fact]
    public void GetService_FilterProbeNotDeclared_NoProbe()
    {
        var knowledgeBase = new ChunkStoreKnowledgeBase(new ListChunkStore(Minimal), new HashingEmbeddingGenerator());

        Assert.Null(knowledgeBase.GetService<IFilterProbe>());
        Assert.Same(knowledgeBase, knowledgeBase.GetService<IKnowledgeBase>());
        Assert.Null(knowledgeBase.GetService<IKnowledgeBase>("some key"));
    }

    [Theory]
    [InlineData(true, NoAnswerReason.FilterMatchedNothing)]
    [InlineData(false, NoAnswerReason.NoRelevantSources)]
    public async Task AnswerAsync_FilterProbeBeneathDecorators_FoundThroughThemWhenDeclared(bool declared, NoAnswerReason expected)
    {
        var capabilities = declared ? Minimal | ChunkStoreCapabilities.FilterProbe : Minimal;
        var services = new ServiceCollection();
        services.AddHybridAnswering()
            .UseChunkStore(_ => new ListChunkStore(capabilities))
            .UseMaximalMarginalRelevance()
            .UseRetriever((_, inner) => new PassThroughRetriever(inner));
        using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(Documents);

        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync(
            "How many days do I have to return an item?", new AnswerOptions { Filter = new Dictionary<string, string> { ["status"] = "publshed" } });

        Assert.Equal(expected, answer.NoAnswerReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RetrieveAsync_MinScore_FloorAppliedOnceByStoreOrKnowledgeBase(bool storeFloors)
    {
        // The list store never floors: declaring ScoreFloor hands the floor to it, so chunks below it then come through (what the
        // conformance suite catches in a store that declares falsely); without the declaration the knowledge base floors.
        var store = new ListChunkStore(storeFloors ? Minimal | ChunkStoreCapabilities.ScoreFloor : Minimal);
        var knowledgeBase = new ChunkStoreKnowledgeBase(store, new HashingEmbeddingGenerator());
        await knowledgeBase.UpsertAsync(Documents);
        var all = await knowledgeBase.RetrieveAsync(new RetrievalRequest(Question) { TopK = 3 });
        var floor = all[0].Score;
        Assert.True(all[^1].Score < floor);

        var found = await knowledgeBase.RetrieveAsync(new RetrievalRequest(Question) { TopK = 3, MinScore = floor });

        Assert.Equal(storeFloors ? 3 : all.Count(c => c.Score >= floor), found.Count);
    }

    [Fact]
    public async Task AnswerAsync_StoreDeclaresTheFloor_NoSecondFloorAroundIt()
    {
        // A store that declares the floor is trusted with it: the answerer's pipeline adds no ScoreFloorRetriever of its own.
        var services = new ServiceCollection();
        services.AddHybridAnswering().UseChunkStore(_ => new ListChunkStore(Minimal | ChunkStoreCapabilities.ScoreFloor));
        using var provider = services.BuildServiceProvider();
        var knowledgeBase = provider.GetRequiredService<ChunkStoreKnowledgeBase>();
        await knowledgeBase.UpsertAsync(Documents);
        var floor = (await knowledgeBase.RetrieveAsync(new RetrievalRequest(Question) { TopK = 3 }))[0].Score;

        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync(Question, new AnswerOptions { TopK = 3, MinScore = floor });

        Assert.Contains(answer.Sources, c => c.Score < floor);
    }

    [Fact]
    public void Constructor_BatchSizeZero_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkStoreKnowledgeBase(new ListChunkStore(Minimal), new HashingEmbeddingGenerator(), embeddingBatchSize: 0));
        Assert.Equal("embeddingBatchSize", e.ParamName);
    }

    /// <summary>A host's decorator written on the public base class: it forwards GetService without a line of its own.</summary>
    private sealed class PassThroughRetriever(IRetriever inner) : DelegatingRetriever(inner);
}
