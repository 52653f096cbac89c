using HybridAnswer.StoreConformance;
using HybridAnswer.Storage;
using HybridAnswer.VectorData;

namespace HybridAnswer.Tests.VectorData;

/// <summary>
/// <see cref="VectorDataChunkStore"/> over the in-process VectorData collection under the store conformance suites. Hybrid search
/// goes through the collection's IKeywordHybridSearchable; for vector-only retrieval the collection offers none. VectorData has no
/// keyword-only search, so the fixture declines a keyword-only store (the suite checks that the store declares and enforces it).
/// </summary>
public sealed class VectorDataStoreFixture : KnowledgeStoreFixture
{
    public override bool KeywordOnlySearch => false;

    public override async Task<ConformanceStore> CreateStoreAsync(ConformanceStoreOptions options, CancellationToken cancellationToken = default)
    {
        if (options.RetrievalKind == RetrievalKind.Keyword)
        {
            throw new NotSupportedException("Microsoft.Extensions.VectorData has no keyword-only search: VectorDataChunkStore ranks by vector, or hybrid (RetrievalKind.Hybrid) over a collection with IKeywordHybridSearchable; RetrievalKind.Keyword is not offered.");
        }

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

public sealed class VectorDataHybridSearchConformanceTests() : HybridSearchConformanceTests(new VectorDataStoreFixture());

public sealed class VectorDataHostileContentConformanceTests() : HostileContentConformanceTests(new VectorDataStoreFixture());
