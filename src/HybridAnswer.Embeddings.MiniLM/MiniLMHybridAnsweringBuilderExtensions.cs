using HybridAnswer;
using HybridAnswer.Embeddings.MiniLM;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the local MiniLM embedder with HybridAnswer.</summary>
public static class MiniLMHybridAnsweringBuilderExtensions
{
    /// <summary>The configuration section <see cref="MiniLMEmbeddingOptions"/> bind from.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":MiniLM";

    /// <summary>
    /// Embeds with <see cref="MiniLMEmbeddingGenerator"/> (all-MiniLM-L6-v2, offline) in place of any other registered
    /// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>, loaded once on first use; chunks are then sized to its
    /// 256-word-piece input. Unless the host set its own <see cref="HybridAnsweringOptions.MinScore"/> (any value but the
    /// default 0.1), the floor becomes <see cref="MiniLMEmbeddingGenerator.RecommendedMinScore"/>: cosine scores of this model
    /// are on a different scale from the hashing embedder's.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the options after configuration binding (section <c>HybridAnswering:MiniLM</c>).</param>
    /// <returns>The builder, for chaining.</returns>
    public static HybridAnsweringBuilder UseMiniLMEmbeddings(this HybridAnsweringBuilder builder, Action<MiniLMEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MiniLMEmbeddingOptions>().BindConfigurationIfPresent().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.PostConfigure<HybridAnsweringOptions>(o =>
        {
            if (o.MinScore == DefaultMinScore)
            {
                o.MinScore = MiniLMEmbeddingGenerator.RecommendedMinScore;
            }
        });

        services.RemoveAll<IEmbeddingGenerator<string, Embedding<float>>>();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new MiniLMEmbeddingGenerator(
            sp.GetRequiredService<IOptions<MiniLMEmbeddingOptions>>().Value,
            sp.GetService<ILogger<MiniLMEmbeddingGenerator>>()));
        return builder;
    }

    private static readonly double DefaultMinScore = new HybridAnsweringOptions().MinScore;

    private static OptionsBuilder<MiniLMEmbeddingOptions> BindConfigurationIfPresent(this OptionsBuilder<MiniLMEmbeddingOptions> options)
    {
        options.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<MiniLMEmbeddingOptions>, ConfigurationSectionSetup<MiniLMEmbeddingOptions>>(
            sp => new ConfigurationSectionSetup<MiniLMEmbeddingOptions>(sp, SectionName)));
        return options;
    }
}
