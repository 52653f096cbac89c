using HybridAnswer;
using HybridAnswer.Storage;
using HybridAnswer.StoreConformance.SampleStore;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The list store's builder extension: what a store package adds beside its <see cref="IChunkStore"/>.</summary>
public static class ListChunkStoreBuilderExtensions
{
    /// <summary>Stores knowledge in a list, behind the core's <see cref="ChunkStoreKnowledgeBase"/> (validation, change detection,
    /// chunking with <c>HybridAnswering:Chunking</c>, embedding with the knowledge base's embedding generator).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the store's options.</param>
    /// <returns>The builder.</returns>
    public static HybridAnsweringBuilder UseListChunkStore(this HybridAnsweringBuilder builder, Action<ListChunkStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ListChunkStoreOptions();
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EmbeddingBatchSize, 1, nameof(configure));
        return builder.UseKnowledgeBase(sp => new ChunkStoreKnowledgeBase(
            new ListChunkStore(options.RetrievalKind),
            sp.GetKnowledgeBaseEmbeddingGenerator(),
            sp.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value.Chunking,
            options.MultiTenant,
            options.EmbeddingBatchSize));
    }
}
