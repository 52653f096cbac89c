using Microsoft.Extensions.AI;

namespace HybridAnswer.StoreConformance;

/// <summary>How a test wants the store under test configured; the fixture maps each setting to the store's own options.</summary>
public sealed class ConformanceStoreOptions
{
    /// <summary>Gets the embedder the store must use for chunks and queries (the tests count, script and fail its calls).</summary>
    public required IEmbeddingGenerator<string, Embedding<float>> Embedder { get; init; }

    /// <summary>Gets whether the store requires a tenant on every document and request.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool MultiTenant { get; init; }

    /// <summary>Gets how the store ranks chunks. Only the suites for keyword and hybrid search ask for anything but
    /// <see cref="RetrievalKind.Vector"/>, so a vector-only store runs every other suite.</summary>
    /// <value>The default is <see cref="RetrievalKind.Vector"/>.</value>
    public RetrievalKind RetrievalKind { get; init; } = RetrievalKind.Vector;

    /// <summary>Gets how many texts one embedding call may carry at most; <see langword="null"/> keeps the store's default.</summary>
    public int? EmbeddingBatchSize { get; init; }

    /// <summary>Gets how documents are split into chunks; <see langword="null"/> keeps the defaults.</summary>
    public ChunkingOptions? Chunking { get; init; }
}
