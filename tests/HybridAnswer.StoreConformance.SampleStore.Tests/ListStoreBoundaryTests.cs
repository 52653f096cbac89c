using System.Runtime.CompilerServices;
using HybridAnswer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer.StoreConformance.SampleStore;

/// <summary>That this project is a store written from outside: no internals of the core, and the public wiring finds its capabilities.</summary>
public sealed class ListStoreBoundaryTests
{
    [Fact]
    public void Core_GrantsThisAssemblyNoInternals()
    {
        var thisAssembly = typeof(ListStoreBoundaryTests).Assembly.GetName().Name!;
        var granted = typeof(IKnowledgeBase).Assembly.GetCustomAttributes(typeof(InternalsVisibleToAttribute), inherit: false)
            .Cast<InternalsVisibleToAttribute>().Select(a => a.AssemblyName.Split(',')[0]).ToList();

        Assert.NotEmpty(granted);
        Assert.DoesNotContain(thisAssembly, granted);
    }

    [Fact]
    public async Task UseListChunkStore_Registered_AnswersAndExposesItsStoreAndFilterProbeThroughGetService()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UseEmbeddingGenerator(TestEmbedder.Hashing()).UseListChunkStore(o => o.RetrievalKind = RetrievalKind.Vector);
        await using var provider = services.BuildServiceProvider();
        var knowledgeBase = provider.GetRequiredService<IKnowledgeBase>();
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("returns", "Returns", "You can return most items within 30 days of delivery.") { Metadata = new Dictionary<string, string> { ["status"] = "published" } }]);
        var answerer = provider.GetRequiredService<HybridAnswerer>();

        var answer = await answerer.AnswerAsync("How many days do I have to return an item?");
        var typo = await answerer.AnswerAsync("How many days do I have to return an item?", new AnswerOptions { Filter = new Dictionary<string, string> { ["status"] = "publshed" } });

        Assert.True(answer.Answered);
        Assert.Equal("returns", answer.Sources[0].DocumentId);
        Assert.Equal(NoAnswerReason.FilterMatchedNothing, typo.NoAnswerReason);
        var retriever = provider.GetRequiredService<IRetriever>();
        Assert.IsType<ListChunkStore>(retriever.GetService(typeof(IChunkStore)));
        Assert.NotNull(retriever.GetService(typeof(IFilterProbe)));
        Assert.Equal(ChunkStoreCapabilities.VectorSearch | ChunkStoreCapabilities.AtomicReplace | ChunkStoreCapabilities.FilterProbe | ChunkStoreCapabilities.ReturnsEmbeddings,
            Assert.IsType<ChunkStoreKnowledgeBase>(retriever).Capabilities);
        Assert.NotNull(provider.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value.Chunking);
    }
}
