using HybridAnswer;
using HybridAnswer.InMemory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers HybridAnswer in a service collection.</summary>
public static class HybridAnsweringServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="HybridAnswerer"/> and its parts: options bound from configuration section <c>HybridAnswering</c> (when an
    /// <c>IConfiguration</c> is registered) and validated at start; the in-memory knowledge base; the hashing embedder unless an
    /// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> is registered (one registered only under a key fails validation
    /// at start until it is chosen with <see cref="HybridAnsweringBuilder.UseEmbeddingGenerator(object)"/>); a chat-model generator when an
    /// <c>IChatClient</c> is registered, the extractive generator otherwise. Every part registered before this call is kept.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>A builder to choose the knowledge base and the models.</returns>
    public static HybridAnsweringBuilder AddHybridAnswering(this IServiceCollection services, Action<HybridAnsweringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new HybridAnsweringBuilder(services);

        AddOptions<HybridAnsweringOptions>(services, HybridAnsweringOptions.SectionName);
        AddOptions<InMemoryKnowledgeBaseOptions>(services, InMemoryKnowledgeBaseOptions.SectionName);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HybridAnsweringOptions>, HybridAnsweringOptionsValidator>());
        services.AddOptions<HybridAnsweringOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InMemoryKnowledgeBaseOptions>, InMemoryKnowledgeBaseOptionsValidator>());
        services.AddOptions<InMemoryKnowledgeBaseOptions>().ValidateOnStart();

        services.TryAddSingleton(EmbeddingGeneratorSelection.HashingFallback);
        if (!services.Any(d => d.ServiceType == typeof(IValidateOptions<HybridAnsweringOptions>) && d.ImplementationInstance is EmbeddingGeneratorSelection))
        {
            services.AddSingleton<IValidateOptions<HybridAnsweringOptions>>(new EmbeddingGeneratorSelection(services));
        }

        if (!services.Any(d => d.ServiceType == typeof(IValidateOptions<HybridAnsweringOptions>) && d.ImplementationInstance is ChatClientSelection))
        {
            services.AddSingleton<IValidateOptions<HybridAnsweringOptions>>(new ChatClientSelection(services, DefaultGenerator));
        }

        if (!services.Any(d => d.ServiceType == typeof(IRetriever)))
        {
            builder.UseInMemoryKnowledgeBase();
        }

        services.TryAddSingleton(DefaultGenerator);
        services.TryAddSingleton(sp => new HybridAnswerer(
            RetrieverPipeline.Create(sp.GetRequiredService<IRetriever>(), sp.GetServices<RetrieverDecorator>().Select(d => (Func<IRetriever, IRetriever>)(r => d.Decorate(sp, r)))),
            sp.GetRequiredService<IGenerator>(),
            sp.GetRequiredService<IOptionsMonitor<HybridAnsweringOptions>>(),
            ScopedCustomerContextProvider.For(sp),
            sp.GetService<ILogger<HybridAnswerer>>(),
            sp.GetService<CachingServices>()?.Answers));
        return builder;
    }

    // One delegate instance, so the chat client check can tell this default from a generator the host registered.
    private static readonly Func<IServiceProvider, IGenerator> DefaultGenerator = CreateGenerator;

    private static void AddOptions<TOptions>(IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddOptions<TOptions>();

        // TryAddEnumerable keys on the implementation type, so calling AddHybridAnswering twice binds once.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<TOptions>, ConfigurationSectionSetup<TOptions>>(
            sp => new ConfigurationSectionSetup<TOptions>(sp, section)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<TOptions>, ConfigurationSectionChangeTokenSource<TOptions>>(
            sp => new ConfigurationSectionChangeTokenSource<TOptions>(sp)));
    }

    private static IGenerator CreateGenerator(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value;
        var baseClient = services.GetKeyedService<IChatClient>(HybridAnsweringServiceKeys.BaseModel) ?? services.GetService<IChatClient>();
        var fineTunedClient = services.GetKeyedService<IChatClient>(HybridAnsweringServiceKeys.FineTunedModel);
        if (baseClient is null && fineTunedClient is null)
        {
            // The knowledge base's embedder (the one UseEmbeddingGenerator chose, a keyed registration — not the unkeyed hashing
            // fallback) also ranks and supports the sentences quoted, unless it is the lexical hashing one (no gain).
            var embedder = EmbeddingGeneratorSelection.Resolve(services);
            return new ExtractiveGenerator(
                options.Extractive.MinQuestionCoverage,
                embedder?.GetService<HashingEmbeddingGenerator>() is null ? embedder : null,
                options.Extractive.MinSentenceSimilarity);
        }

        return new ChatClientGenerator(
            baseClient ?? fineTunedClient!,
            options.BaseModel,
            options.FineTunedModel,
            fineTunedClient,
            options.Generation,
            options.Prompt,
            services.GetService<ILoggerFactory>());
    }
}
