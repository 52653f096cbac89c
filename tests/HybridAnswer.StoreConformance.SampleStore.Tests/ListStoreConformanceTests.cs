using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.StoreConformance.SampleStore;

/// <summary>The list store under every conformance suite, each store built the way a host builds it: through the builder extension.</summary>
public sealed class ListStoreFixture : KnowledgeStoreFixture
{
    public override Task<ConformanceStore> CreateStoreAsync(ConformanceStoreOptions options, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering(o =>
            {
                o.Chunking.TargetSize = options.Chunking?.TargetSize ?? o.Chunking.TargetSize;
                o.Chunking.Overlap = options.Chunking?.Overlap ?? o.Chunking.Overlap;
            })
            .UseEmbeddingGenerator(options.Embedder)
            .UseListChunkStore(o =>
            {
                o.RetrievalKind = options.RetrievalKind;
                o.MultiTenant = options.MultiTenant;
                o.EmbeddingBatchSize = options.EmbeddingBatchSize ?? o.EmbeddingBatchSize;
            });
        var provider = services.BuildServiceProvider();
        return Task.FromResult(new ConformanceStore(provider.GetRequiredService<IKnowledgeBase>(), provider.GetRequiredService<IRetriever>(), provider.DisposeAsync));
    }
}

public sealed class ListStoreIngestConformanceTests() : IngestConformanceTests(new ListStoreFixture());

public sealed class ListStoreRetrievalConformanceTests() : RetrievalConformanceTests(new ListStoreFixture());

public sealed class ListStoreFilterConformanceTests() : FilterConformanceTests(new ListStoreFixture());

public sealed class ListStoreTenantConformanceTests() : TenantConformanceTests(new ListStoreFixture());

public sealed class ListStoreHybridSearchConformanceTests() : HybridSearchConformanceTests(new ListStoreFixture());

public sealed class ListStoreHostileContentConformanceTests() : HostileContentConformanceTests(new ListStoreFixture());
