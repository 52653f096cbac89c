using System.Globalization;
using Microsoft.Extensions.AI;

namespace HybridAnswer;

/// <summary>
/// Which embedding model made a vector, as the generator's <see cref="EmbeddingGeneratorMetadata"/> reports it: provider name,
/// default model id and default dimensions. Part of every content hash (<see cref="DocumentChunker.Fingerprint"/>), so that
/// ingesting the same documents with another model, or with a provider that renamed itself because it now reads text
/// differently (MiniLM's <c>hybridanswer-minilm-2</c>), re-embeds them instead of keeping vectors a question can no longer be
/// compared with.
/// </summary>
/// <remarks>
/// The provider's URI is left out: the same model served from another address makes the same vectors. A generator that reports
/// no metadata has no identity here (its documents hash as before identities existed): nothing tells two such models apart.
/// Decorators that forward <c>GetService</c> (every <see cref="DelegatingEmbeddingGenerator{TInput, TEmbedding}"/>, the embedding
/// cache) report their inner model's identity, so adding or removing one re-embeds nothing.
/// </remarks>
internal static class EmbedderIdentity
{
    /// <summary>The identity of the generator's model, or <see langword="null"/> when it reports none.</summary>
    public static string? Of(IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var metadata = embedder.GetService<EmbeddingGeneratorMetadata>();
        if (metadata is null || (metadata.ProviderName is null && metadata.DefaultModelId is null && metadata.DefaultModelDimensions is null))
        {
            return null;
        }

        // Lengths before the names: no provider name can imitate the boundary ("a/b" + "c" differs from "a" + "b/c").
        var provider = metadata.ProviderName ?? string.Empty;
        var model = metadata.DefaultModelId ?? string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{provider.Length}:{provider}{model.Length}:{model}{metadata.DefaultModelDimensions}");
    }
}
