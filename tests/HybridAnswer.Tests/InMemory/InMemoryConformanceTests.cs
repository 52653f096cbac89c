using HybridAnswer.InMemory;
using HybridAnswer.StoreConformance;
using HybridAnswer.Tests.Shared;

namespace HybridAnswer.Tests.InMemory;

/// <summary>The in-memory store under the store conformance suites (tests/HybridAnswer.StoreConformance).</summary>
public sealed class InMemoryStoreFixture : KnowledgeStoreFixture
{
    public override Task<ConformanceStore> CreateStoreAsync(ConformanceStoreOptions options, CancellationToken cancellationToken = default)
    {
        var store = new InMemoryKnowledgeBase(options.Embedder, options.Chunking, new InMemoryKnowledgeBaseOptions
        {
            MultiTenant = options.MultiTenant,
            RetrievalKind = options.RetrievalKind,
            EmbeddingBatchSize = options.EmbeddingBatchSize ?? new InMemoryKnowledgeBaseOptions().EmbeddingBatchSize,
        });
        return Task.FromResult(new ConformanceStore(store, store));
    }
}

public sealed class InMemoryIngestConformanceTests() : IngestConformanceTests(new InMemoryStoreFixture());

public sealed class InMemoryRetrievalConformanceTests() : RetrievalConformanceTests(new InMemoryStoreFixture());

public sealed class InMemoryFilterConformanceTests() : FilterConformanceTests(new InMemoryStoreFixture());

public sealed class InMemoryTenantConformanceTests() : TenantConformanceTests(new InMemoryStoreFixture());

public sealed class InMemoryHybridSearchConformanceTests() : HybridSearchConformanceTests(new InMemoryStoreFixture());

public sealed class InMemoryHostileContentConformanceTests() : HostileContentConformanceTests(new InMemoryStoreFixture())
{
    // In memory the fuzzer is cheap: twice the rounds of a database store.
    protected override int FuzzRounds => Math.Max(4, HostileContent.Scale / 50);
}
