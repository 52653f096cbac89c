using HybridAnswer;
using HybridAnswer.InMemory;
using HybridAnswer.StoreConformance;

namespace ConformanceHostApp;

// The ~25 lines a store's test project needs to run every suite; here the store is the package's in-memory one.
public sealed class InMemoryFixture : KnowledgeStoreFixture
{
    public override Task<ConformanceStore> CreateStoreAsync(ConformanceStoreOptions options, CancellationToken cancellationToken = default)
    {
        var settings = new InMemoryKnowledgeBaseOptions { MultiTenant = options.MultiTenant, RetrievalKind = options.RetrievalKind };
        settings.EmbeddingBatchSize = options.EmbeddingBatchSize ?? settings.EmbeddingBatchSize;
        var store = new InMemoryKnowledgeBase(options.Embedder, options.Chunking, settings);
        return Task.FromResult(new ConformanceStore(store, store));
    }
}

public sealed class IngestTests() : IngestConformanceTests(new InMemoryFixture());

public sealed class RetrievalTests() : RetrievalConformanceTests(new InMemoryFixture());

public sealed class FilterTests() : FilterConformanceTests(new InMemoryFixture());

public sealed class TenantTests() : TenantConformanceTests(new InMemoryFixture());

public sealed class HybridSearchTests() : HybridSearchConformanceTests(new InMemoryFixture());

public sealed class HostileContentTests() : HostileContentConformanceTests(new InMemoryFixture());
