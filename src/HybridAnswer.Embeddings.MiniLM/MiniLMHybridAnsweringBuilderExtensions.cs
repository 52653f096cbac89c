using HybridAnswer;
using HybridAnswer.Embeddings.MiniLM;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the local MiniLM embedder with HybridAnswer.</summary>
public static class MiniLMHybridAnsweringBuilderExtensions
{
    /// <summary>
    /// Embeds with <see cref="MiniLMEmbeddingGenerator"/> (all-MiniLM-L6-v2, offline), loaded once on first use, chosen the way
    /// <c>UseEmbeddingGenerator(...)</c> chooses a generator: the host's own registrations stay as they are. Chunks are then sized
    /// to its 256-word-piece input. Unless the host sets <see cref="HybridAnsweringOptions.MinScore"/> itself (in code or in
    /// configuration, any value, the default 0.1 included), the floor becomes <see cref="MiniLMEmbeddingGenerator.RecommendedMinScore"/>:
    /// cosine scores of this model are on a different scale from the hashing embedder's.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the options after configuration binding (section <c>HybridAnswering:MiniLM</c>).</param>
    /// <returns>The builder, for chaining.</returns>
    public static HybridAnsweringBuilder UseMiniLMEmbeddings(this HybridAnsweringBuilder builder, Action<MiniLMEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MiniLMEmbeddingOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<MiniLMEmbeddingOptions>, ConfigurationSectionSetup<MiniLMEmbeddingOptions>>(
            sp => new ConfigurationSectionSetup<MiniLMEmbeddingOptions>(sp, MiniLMEmbeddingOptions.SectionName)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MiniLMEmbeddingOptions>, MiniLMEmbeddingOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // The recommended floor as a default, not an override: configured first of all, so every setting of the host (code or
        // configuration, whenever registered) comes after it and wins, an explicit 0.1 included.
        if (!services.Any(d => d.ImplementationInstance is RecommendedFloor))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<HybridAnsweringOptions>>(new RecommendedFloor()));
        }

        return builder.UseEmbeddingGenerator(sp => new MiniLMEmbeddingGenerator(
            sp.GetRequiredService<IOptions<MiniLMEmbeddingOptions>>().Value,
            sp.GetService<ILogger<MiniLMEmbeddingGenerator>>()));
    }

    private sealed class RecommendedFloor : IConfigureOptions<HybridAnsweringOptions>
    {
        public void Configure(HybridAnsweringOptions options) => options.MinScore = MiniLMEmbeddingGenerator.RecommendedMinScore;
    }
}
