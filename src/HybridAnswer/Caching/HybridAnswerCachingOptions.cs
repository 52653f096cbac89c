namespace HybridAnswer;

/// <summary>
/// Options of the opt-in caching enabled with <c>UseCaching()</c> (section <c>HybridAnswering:Caching</c>): whole answers and
/// embeddings, in the host's <c>HybridCache</c>.
/// </summary>
public sealed class HybridAnswerCachingOptions
{
    /// <summary>The configuration section, under <c>HybridAnswering</c>.</summary>
    public const string SectionName = "HybridAnswering:Caching";

    /// <summary>Gets or sets whether whole answers are cached, keyed by question, tenant, filter, mode, top-K, floor, model and the knowledge base's version.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CacheAnswers { get; set; } = true;

    /// <summary>Gets or sets whether embeddings are cached, keyed by model, dimensions and text: a repeated question, and re-ingested unchanged text, are not embedded again.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CacheEmbeddings { get; set; } = true;

    /// <summary>
    /// Gets or sets how long an answer is kept. An edit made through this host's <see cref="IKnowledgeBase"/> invalidates the
    /// answers it could change at once; this bounds how long an answer may outlive a change made elsewhere (another process writing
    /// the same database without this cache, a changed prompt or model).
    /// </summary>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan AnswerExpiration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long an embedding is kept.</summary>
    /// <value>The default is 7 days.</value>
    public TimeSpan EmbeddingExpiration { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets the prefix of every cache key, to keep several knowledge bases apart in one shared cache.</summary>
    /// <value>The default is <c>hybrid-answer</c>.</value>
    public string KeyPrefix { get; set; } = "hybrid-answer";
}
