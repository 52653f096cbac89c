using HybridAnswer.InMemory;
using HybridAnswer.Storage;

namespace HybridAnswer.Tests.InMemory;

/// <summary>The in-memory keyword ranking stems like PostgreSQL's <c>english</c> configuration, so both stores match a question's
/// word with the documents' other forms of it.</summary>
public sealed class InMemoryKeywordRankingTests
{
    [Fact]
    public async Task Search_KeywordOnly_QuestionsVerbMatchesTheDocumentsNoun()
    {
        var store = new InMemoryChunkStore(new InMemoryKnowledgeBaseOptions { RetrievalKind = RetrievalKind.Keyword });
        var pipeline = new KnowledgePipeline(store, new HashingEmbeddingGenerator(), null, multiTenant: false, embeddingBatchSize: 10);
        await pipeline.UpsertAsync(
        [
            new KnowledgeDocument("relay", "Relays", "A proxy relays requests; every proxy keeps a log of them."),
            new KnowledgeDocument("settings", "Settings", "Proxy configuration: set the address in the settings file."),
            new KnowledgeDocument("other", "Other", "The log rotates every night."),
        ], default);

        var results = store.Search(new RetrievalRequest("How do I configure a proxy?") { TopK = 3 }, null);

        Assert.Equal("settings", results[0].DocumentId);
    }

    [Fact]
    public void Terms_Question_StopWordsOutSnowballStems() =>
        Assert.Equal(["configur", "proxi", "depend"], Bm25Index.Terms("How do I configure the proxy's dependencies?"));
}
