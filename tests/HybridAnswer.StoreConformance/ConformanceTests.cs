namespace HybridAnswer.StoreConformance;

/// <summary>The base of every suite: the store's fixture and a shorthand to create a store for one test.</summary>
public abstract class ConformanceTests
{
    /// <summary>Initializes the suite with the store's fixture.</summary>
    /// <param name="fixture">Creates the stores under test.</param>
    protected ConformanceTests(KnowledgeStoreFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        Fixture = fixture;
    }

    /// <summary>Gets the store's fixture.</summary>
    protected KnowledgeStoreFixture Fixture { get; }

    /// <summary>Creates a new, empty store with the given embedder and settings.</summary>
    /// <param name="embedder">The embedder; the real hashing embedder (64 dimensions) when <see langword="null"/>.</param>
    /// <param name="multiTenant">Whether the store is multi-tenant.</param>
    /// <param name="kind">How the store ranks chunks.</param>
    /// <param name="embeddingBatchSize">The most texts per embedding call; the store's default when <see langword="null"/>.</param>
    /// <param name="chunking">How documents are split; the defaults when <see langword="null"/>.</param>
    /// <returns>The store; dispose it.</returns>
    protected Task<ConformanceStore> CreateStoreAsync(
        Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>? embedder = null,
        bool multiTenant = false,
        RetrievalKind kind = RetrievalKind.Vector,
        int? embeddingBatchSize = null,
        ChunkingOptions? chunking = null) =>
        Fixture.CreateStoreAsync(new ConformanceStoreOptions
        {
            Embedder = embedder ?? TestEmbedder.Hashing(),
            MultiTenant = multiTenant,
            RetrievalKind = kind,
            EmbeddingBatchSize = embeddingBatchSize,
            Chunking = chunking,
        });

    /// <summary>The counts of an ingest result, without its commit position (which differs every run on a store that has one).</summary>
    /// <param name="result">The result.</param>
    /// <returns>(added, updated, unchanged, deleted).</returns>
    protected static (int Added, int Updated, int Unchanged, int Deleted) Counts(IngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return (result.Added, result.Updated, result.Unchanged, result.Deleted);
    }
}
