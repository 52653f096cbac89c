using System.Diagnostics.CodeAnalysis;
using HybridAnswer;
using HybridAnswer.Storage;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses a knowledge base over an <see cref="IChunkStore"/>: the registration a store package's own <c>Use...</c> extension makes.</summary>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public static class ChunkStoreHybridAnsweringBuilderExtensions
{
    /// <summary>
    /// Stores knowledge in the chunk store <paramref name="factory"/> creates, through a <see cref="ChunkStoreKnowledgeBase"/> with
    /// the knowledge base's embedding generator and <c>HybridAnswering:Chunking</c>; registered as <see cref="IKnowledgeBase"/>,
    /// <see cref="IRetriever"/> and <see cref="ChunkStoreKnowledgeBase"/> (a singleton).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the (singleton) store.</param>
    /// <param name="multiTenant">Whether every document and request must name a tenant.</param>
    /// <returns>The builder.</returns>
    public static HybridAnsweringBuilder UseChunkStore(this HybridAnsweringBuilder builder, Func<IServiceProvider, IChunkStore> factory, bool multiTenant = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        return builder.UseKnowledgeBase(sp => new ChunkStoreKnowledgeBase(
            factory(sp) ?? throw new InvalidOperationException("The chunk store factory (UseChunkStore) returned null."),
            sp.GetKnowledgeBaseEmbeddingGenerator(),
            sp.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value.Chunking,
            multiTenant));
    }
}
