using HybridAnswer;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Finds HybridAnswer's parts in a service provider, for the builder extensions of other packages (a store, an embedder).</summary>
public static class HybridAnsweringServiceProviderExtensions
{
    /// <summary>
    /// Returns the embedding generator of the knowledge base: the one chosen with <c>UseEmbeddingGenerator(...)</c>, else the host's
    /// unkeyed <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, else the hashing embedder <c>AddHybridAnswering()</c> registers.
    /// A store's builder extension passes it to its knowledge base, so ingestion and queries embed with the same model.
    /// </summary>
    /// <param name="services">The service provider of a container built after <c>AddHybridAnswering()</c>.</param>
    /// <returns>The generator.</returns>
    /// <exception cref="InvalidOperationException">No embedding generator is registered (<c>AddHybridAnswering()</c> was not called).</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> GetKnowledgeBaseEmbeddingGenerator(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return EmbeddingGeneratorSelection.Resolve(services);
    }
}
