namespace HybridAnswer.StoreConformance.SampleStore;

/// <summary>The options of the list store: how it ranks, whether it is multi-tenant, how many texts one embedding call carries.</summary>
public sealed class ListChunkStoreOptions
{
    /// <summary>Gets or sets how chunks are ranked.</summary>
    /// <value>The default is <see cref="RetrievalKind.Hybrid"/>.</value>
    public RetrievalKind RetrievalKind { get; set; } = RetrievalKind.Hybrid;

    /// <summary>Gets or sets whether every document and request must name a tenant.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool MultiTenant { get; set; }

    /// <summary>Gets or sets how many texts one embedding call carries while ingesting.</summary>
    /// <value>The default is 64.</value>
    public int EmbeddingBatchSize { get; set; } = 64;
}
