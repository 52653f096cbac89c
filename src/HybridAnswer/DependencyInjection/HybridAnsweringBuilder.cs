using HybridAnswer.InMemory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the parts of HybridAnswer: the knowledge base and the models. Returned by <see cref="HybridAnsweringServiceCollectionExtensions.AddHybridAnswering"/>.</summary>
public sealed class HybridAnsweringBuilder
{
    internal HybridAnsweringBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection, for extension methods that add further parts.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Stores knowledge in process memory (the default): exact vector search plus BM25, fused. Options bind from <c>HybridAnswering:InMemory</c>.</summary>
    /// <param name="configure">Adjusts the in-memory options after configuration binding.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseInMemoryKnowledgeBase(Action<InMemoryKnowledgeBaseOptions>? configure = null)
    {
        if (configure is not null)
        {
            Services.Configure(configure);
        }

        return UseKnowledgeBase(sp => new InMemoryKnowledgeBase(
            HybridAnswer.EmbeddingGeneratorSelection.Resolve(sp),
            sp.GetRequiredService<IOptions<HybridAnswer.HybridAnsweringOptions>>().Value.Chunking,
            sp.GetRequiredService<IOptions<InMemoryKnowledgeBaseOptions>>().Value));
    }

    /// <summary>Embeds documents and questions with this generator (instead of the host's unkeyed one or the hashing embedder).</summary>
    /// <param name="generator">The embedding generator; the caller owns it (the container does not dispose it).</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return SetEmbeddingGenerator(ServiceDescriptor.KeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(HybridAnswer.HybridAnsweringServiceKeys.EmbeddingGenerator, generator));
    }

    /// <summary>Embeds documents and questions with a generator created from the service provider (once; a singleton).</summary>
    /// <param name="factory">Creates the embedding generator.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseEmbeddingGenerator(Func<IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return SetEmbeddingGenerator(ServiceDescriptor.KeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(HybridAnswer.HybridAnsweringServiceKeys.EmbeddingGenerator, (sp, _) => factory(sp)));
    }

    /// <summary>
    /// Embeds documents and questions with the generator the host registered under a key
    /// (<c>AddKeyedEmbeddingGenerator(serviceKey, ...)</c>). Without this call a keyed generator is not used, and
    /// start-up validation fails rather than fall back to the hashing embedder.
    /// </summary>
    /// <param name="serviceKey">The key the generator is registered under.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseEmbeddingGenerator(object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return SetEmbeddingGenerator(ServiceDescriptor.KeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
            HybridAnswer.HybridAnsweringServiceKeys.EmbeddingGenerator,
            (sp, _) => sp.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(serviceKey)));
    }

    private HybridAnsweringBuilder SetEmbeddingGenerator(ServiceDescriptor descriptor)
    {
        Services.RemoveAllKeyed<IEmbeddingGenerator<string, Embedding<float>>>(HybridAnswer.HybridAnsweringServiceKeys.EmbeddingGenerator);
        Services.Add(descriptor);
        return this;
    }

    /// <summary>Uses a knowledge base of the caller's choosing, which serves both ingestion and retrieval.</summary>
    /// <typeparam name="TKnowledgeBase">A type implementing both <see cref="HybridAnswer.IKnowledgeBase"/> and <see cref="HybridAnswer.IRetriever"/>.</typeparam>
    /// <param name="factory">Creates the (singleton) knowledge base.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseKnowledgeBase<TKnowledgeBase>(Func<IServiceProvider, TKnowledgeBase> factory)
        where TKnowledgeBase : class, HybridAnswer.IKnowledgeBase, HybridAnswer.IRetriever
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<TKnowledgeBase>();
        Services.RemoveAll<HybridAnswer.IKnowledgeBase>();
        Services.RemoveAll<HybridAnswer.IRetriever>();
        Services.AddSingleton(factory);
        Services.AddSingleton<HybridAnswer.IKnowledgeBase>(sp => HybridAnswer.CachingServices.WrapKnowledgeBase(sp, sp.GetRequiredService<TKnowledgeBase>()));
        Services.AddSingleton<HybridAnswer.IRetriever>(sp => sp.GetRequiredService<TKnowledgeBase>());
        return this;
    }

    /// <summary>
    /// Adds a retriever decorator (a reranker, a cache, a filter) to the retrieval pipeline of <see cref="HybridAnswer.HybridAnswerer"/>,
    /// in the style of Microsoft.Extensions.AI's <c>ChatClientBuilder.Use</c>. Decorators apply in registration order: the first
    /// registered wraps the score floor, which wraps the knowledge base's retriever, and the last registered is called first.
    /// </summary>
    /// <remarks>
    /// The floor (<see cref="HybridAnswer.RetrievalRequest.MinScore"/>) is always applied innermost, directly around the store, so a
    /// store that ignores <c>MinScore</c> cannot pass irrelevant sources while a decorator may return scores on its own scale
    /// without the answerer cutting them; the answerer keeps at most top-K of what the outermost decorator returns. The
    /// <see cref="HybridAnswer.IRetriever"/> service itself stays the undecorated knowledge base.
    /// </remarks>
    /// <param name="decorate">Given the service provider and the retriever so far, returns the retriever that wraps it.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseRetriever(Func<IServiceProvider, HybridAnswer.IRetriever, HybridAnswer.IRetriever> decorate)
    {
        ArgumentNullException.ThrowIfNull(decorate);
        Services.AddSingleton(new HybridAnswer.RetrieverDecorator(decorate));
        return this;
    }

    /// <summary>
    /// Caches whole answers and embeddings in the host's <c>HybridCache</c> (added with <c>AddHybridCache()</c> unless the host
    /// registered one; give it an <c>IDistributedCache</c> to share entries between processes). Answers are keyed by question, tenant,
    /// filter, mode, top-K, floor, model and the knowledge base's version: a document published, changed or deleted through the
    /// container's <see cref="HybridAnswer.IKnowledgeBase"/> invalidates the answers that could see it (its tenant's unfiltered
    /// answers, and those filtered on a metadata pair it had or has), and no others. A hit reports <see cref="HybridAnswer.Answer.FromCache"/>
    /// and costs $0. Options bind from <c>HybridAnswering:Caching</c>.
    /// </summary>
    /// <param name="configure">Adjusts the caching options after configuration binding.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseCaching(Action<HybridAnswer.HybridAnswerCachingOptions>? configure = null)
    {
        Services.AddHybridCache();
        Services.AddOptions<HybridAnswer.HybridAnswerCachingOptions>().ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HybridAnswer.HybridAnswerCachingOptions>, HybridAnswer.ConfigurationSectionSetup<HybridAnswer.HybridAnswerCachingOptions>>(
            sp => new HybridAnswer.ConfigurationSectionSetup<HybridAnswer.HybridAnswerCachingOptions>(sp, HybridAnswer.HybridAnswerCachingOptions.SectionName)));
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HybridAnswer.HybridAnswerCachingOptions>, HybridAnswer.HybridAnswerCachingOptionsValidator>());
        if (configure is not null)
        {
            Services.Configure(configure);
        }

        Services.TryAddSingleton(sp => new HybridAnswer.CachingServices(sp));
        return this;
    }

    /// <summary>Uses a chat client for the base model (the <see cref="HybridAnswer.AnswerMode.Rag"/> mode).</summary>
    /// <param name="client">The client.</param>
    /// <param name="modelId">The model id sent with each request; when <see langword="null"/>, <c>HybridAnswering:BaseModel</c>.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseBaseModel(IChatClient client, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return UseBaseModel(_ => client, modelId);
    }

    /// <summary>Uses a chat client created from the service provider for the base model.</summary>
    /// <param name="factory">Creates the client.</param>
    /// <param name="modelId">The model id sent with each request; when <see langword="null"/>, <c>HybridAnswering:BaseModel</c>.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseBaseModel(Func<IServiceProvider, IChatClient> factory, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAllKeyed<IChatClient>(HybridAnswer.HybridAnsweringServiceKeys.BaseModel);
        Services.AddKeyedSingleton(HybridAnswer.HybridAnsweringServiceKeys.BaseModel, (sp, _) => factory(sp));
        if (modelId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
            Services.Configure<HybridAnswer.HybridAnsweringOptions>(o => o.BaseModel = modelId);
        }

        return this;
    }

    /// <summary>
    /// Answers with the <c>IChatClient</c> the host registered under <paramref name="serviceKey"/> (<c>AddKeyedChatClient(serviceKey, ...)</c>,
    /// as .NET Aspire's integrations register them): the base model's client, and the fine-tuned model's too unless it has its own.
    /// Without this call a keyed chat client is not used, and one registered only under a key fails validation at start.
    /// </summary>
    /// <param name="serviceKey">The key the client is registered under.</param>
    /// <param name="modelId">The model id sent with each request; when <see langword="null"/>, <c>HybridAnswering:BaseModel</c>.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseChatClient(object serviceKey, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return UseBaseModel(sp => sp.GetRequiredKeyedService<IChatClient>(serviceKey), modelId);
    }

    /// <summary>Uses a fine-tuned model (the <see cref="HybridAnswer.AnswerMode.FineTuned"/> and <see cref="HybridAnswer.AnswerMode.Hybrid"/> modes).</summary>
    /// <param name="modelId">The fine-tuned model id, e.g. <c>ft:gpt-4o-mini:acme::abc123</c>.</param>
    /// <param name="client">Its client; when <see langword="null"/>, the base model's client is used with this model id.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseFineTunedModel(string modelId, IChatClient? client = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return SetFineTunedModel(modelId, client is null ? null : _ => client);
    }

    /// <summary>Uses a fine-tuned model whose client is created from the service provider (registered as a keyed service under <see cref="HybridAnswer.HybridAnsweringServiceKeys.FineTunedModel"/>).</summary>
    /// <param name="modelId">The fine-tuned model id, e.g. <c>ft:gpt-4o-mini:acme::abc123</c>.</param>
    /// <param name="factory">Creates its client.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseFineTunedModel(string modelId, Func<IServiceProvider, IChatClient> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentNullException.ThrowIfNull(factory);
        return SetFineTunedModel(modelId, factory);
    }

    /// <summary>Uses a fine-tuned model whose client the host registered under <paramref name="serviceKey"/> (<c>AddKeyedChatClient(serviceKey, ...)</c>).</summary>
    /// <param name="modelId">The fine-tuned model id, e.g. <c>ft:gpt-4o-mini:acme::abc123</c>.</param>
    /// <param name="serviceKey">The key its client is registered under.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseFineTunedModel(string modelId, object serviceKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentNullException.ThrowIfNull(serviceKey);
        return SetFineTunedModel(modelId, sp => sp.GetRequiredKeyedService<IChatClient>(serviceKey));
    }

    private HybridAnsweringBuilder SetFineTunedModel(string modelId, Func<IServiceProvider, IChatClient>? factory)
    {
        Services.Configure<HybridAnswer.HybridAnsweringOptions>(o => o.FineTunedModel = modelId);
        Services.RemoveAllKeyed<IChatClient>(HybridAnswer.HybridAnsweringServiceKeys.FineTunedModel);
        if (factory is not null)
        {
            Services.AddKeyedSingleton(HybridAnswer.HybridAnsweringServiceKeys.FineTunedModel, (sp, _) => factory(sp));
        }

        return this;
    }

    /// <summary>
    /// Configures how the models are called: timeout, retries of transient failures (429, 5xx) with backoff, and the
    /// fallback from the fine-tuned to the base model. Applied after configuration binding (section <c>HybridAnswering:Generation</c>).
    /// </summary>
    /// <param name="configure">Adjusts the generation options.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder ConfigureResilience(Action<HybridAnswer.GenerationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure<HybridAnswer.HybridAnsweringOptions>(o => configure(o.Generation));
        return this;
    }

    /// <summary>Answers with the base model when the fine-tuned model fails after its retries; the answer reports it in <see cref="HybridAnswer.Answer.UsedFallback"/>.</summary>
    /// <param name="enabled">Whether to fall back.</param>
    /// <returns>This builder.</returns>
    public HybridAnsweringBuilder UseFallbackToBaseModel(bool enabled = true) =>
        ConfigureResilience(o => o.FallbackToBaseModel = enabled);
}
