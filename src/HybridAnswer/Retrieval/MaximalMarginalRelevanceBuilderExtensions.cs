using HybridAnswer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds <see cref="MaximalMarginalRelevanceRetriever"/> to the retrieval pipeline.</summary>
public static class MaximalMarginalRelevanceBuilderExtensions
{
    /// <summary>
    /// Reranks retrieved chunks by maximal marginal relevance, so near-duplicates do not fill the top-K. Off unless called.
    /// Options bind from <c>HybridAnswering:MaximalMarginalRelevance</c> and are validated at start. A retriever decorator like
    /// any other (<see cref="HybridAnsweringBuilder.UseRetriever"/>): it wraps what was registered before it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the options (λ, candidate factor) after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static HybridAnsweringBuilder UseMaximalMarginalRelevance(this HybridAnsweringBuilder builder, Action<MaximalMarginalRelevanceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MaximalMarginalRelevanceOptions>, MaximalMarginalRelevanceOptionsValidator>());
        services.AddOptions<MaximalMarginalRelevanceOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<MaximalMarginalRelevanceOptions>, ConfigurationSectionSetup<MaximalMarginalRelevanceOptions>>(
            sp => new ConfigurationSectionSetup<MaximalMarginalRelevanceOptions>(sp, MaximalMarginalRelevanceOptions.SectionName)));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder.UseRetriever((sp, inner) => new MaximalMarginalRelevanceRetriever(inner, sp.GetRequiredService<IOptions<MaximalMarginalRelevanceOptions>>().Value));
    }
}
