using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>The caching parts of one container, registered by <c>UseCaching()</c>; every part that caches finds them here.</summary>
internal sealed class CachingServices
{
    private readonly HybridCache _cache;
    private readonly HybridAnswerCachingOptions _options;
    private readonly KnowledgeVersions _versions;
    private readonly bool _shared;

    public CachingServices(IServiceProvider services)
    {
        _cache = services.GetRequiredService<HybridCache>();
        _options = services.GetRequiredService<IOptions<HybridAnswerCachingOptions>>().Value;

        // With a distributed level (IDistributedCache registered), other processes may write the same knowledge base: the
        // version stamps and remembered metadata are then read from it on every answer, never from a process's own memory.
        _shared = services.GetService<IDistributedCache>() is not null;
        _versions = new KnowledgeVersions(_cache, _options.KeyPrefix, _shared);
        Answers = _options.CacheAnswers ? new AnswerCache(_cache, _options, _versions) : null;
    }

    /// <summary>Gets the answer cache; <see langword="null"/> when answers are not cached.</summary>
    public AnswerCache? Answers { get; }

    /// <summary>The knowledge base the host writes through: invalidates the answers each change could affect.</summary>
    public static IKnowledgeBase WrapKnowledgeBase(IServiceProvider services, IKnowledgeBase knowledgeBase) =>
        services.GetService<CachingServices>() is { Answers: not null } caching
            ? new CachingKnowledgeBase(knowledgeBase, caching._cache, caching._versions, caching._options.KeyPrefix, caching._shared)
            : knowledgeBase;

    /// <summary>The embedding generator the knowledge base embeds with: cached when embeddings are.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> WrapEmbeddingGenerator(IServiceProvider services, IEmbeddingGenerator<string, Embedding<float>> generator) =>
        services.GetService<CachingServices>() is { _options.CacheEmbeddings: true } caching && generator.GetService<CachingEmbeddingGenerator>() is null
            ? new CachingEmbeddingGenerator(generator, caching._cache, caching._options)
            : generator;
}
