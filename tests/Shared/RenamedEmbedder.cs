using Microsoft.Extensions.AI;

namespace HybridAnswer.Tests.Shared;

/// <summary>
/// An embedder that reports another identity (provider name, model id) than the one it wraps, as a new release of a provider
/// that renamed itself would: the same dimensions, the same calls. Shared by the in-memory and PostgreSQL re-ingest tests.
/// </summary>
internal sealed class RenamedEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner, string providerName, string modelId)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata)
            ? new EmbeddingGeneratorMetadata(providerName, null, modelId, InnerGenerator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions)
            : base.GetService(serviceType, serviceKey);
}
