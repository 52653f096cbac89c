using HybridAnswer.VectorData;
using Microsoft.Extensions.VectorData;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses a Microsoft.Extensions.VectorData collection as the knowledge store.</summary>
public static class VectorDataHybridAnsweringBuilderExtensions
{
    /// <summary>
    /// Stores knowledge in a VectorData collection of <see cref="KnowledgeChunkRecord"/>s (any connector: Qdrant, Azure AI Search,
    /// SQL Server, Redis, SQLite, ...), through <see cref="VectorDataChunkStore"/>. Create the collection with
    /// <see cref="KnowledgeChunkRecord.CreateDefinition"/> and the embedding model's dimensions, and make sure it exists.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="collection">Returns the collection (once; a singleton).</param>
    /// <param name="dimensions">The embedding model's dimensions, as in the collection's definition.</param>
    /// <param name="configure">Adjusts the store's options.</param>
    /// <param name="multiTenant">Whether every document and request must name a tenant.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="collection"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is below 1.</exception>
    public static HybridAnsweringBuilder UseVectorData(
        this HybridAnsweringBuilder builder,
        Func<IServiceProvider, VectorStoreCollection<string, KnowledgeChunkRecord>> collection,
        int dimensions,
        Action<VectorDataChunkStoreOptions>? configure = null,
        bool multiTenant = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var options = new VectorDataChunkStoreOptions { Dimensions = dimensions };
        configure?.Invoke(options);
        return builder.UseChunkStore(sp => new VectorDataChunkStore(collection(sp), options), multiTenant);
    }
}
