using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>
/// What an answer costs: chat-model prices by model id, plus the per-query price of embedding the question and of
/// searching. Section <c>HybridAnswering:Pricing</c>. A model missing from <see cref="Models"/> makes the cost of its
/// answers unknown (<see langword="null"/>), never a made-up zero.
/// </summary>
public sealed class ModelPriceTable
{
    /// <summary>Gets the chat-model prices, keyed by the model id as configured (<c>HybridAnswering:BaseModel</c>, <c>HybridAnswering:FineTunedModel</c>); keys compare case-insensitively.</summary>
    /// <value>The default holds only the embedded extractive generator, which costs nothing.</value>
    public Dictionary<string, ModelPrice> Models { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [ExtractiveGenerator.ModelId] = new ModelPrice(),
    };

    /// <summary>Gets or sets the price of embedding one question, in US dollars.</summary>
    /// <value>The default is 0: the embedded hashing embedder runs locally. Set it when your embedding model bills per call.</value>
    [Range(typeof(decimal), "0", "1000")]
    public decimal EmbeddingUsdPerQuery { get; set; }

    /// <summary>Gets or sets the price of one knowledge-base search, in US dollars.</summary>
    /// <value>The default is 0: the in-memory knowledge base runs locally. Set it for a search service that bills per query.</value>
    [Range(typeof(decimal), "0", "1000")]
    public decimal SearchUsdPerQuery { get; set; }

    /// <summary>Returns the price of a model, or <see langword="null"/> when the table does not list it.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The price, or <see langword="null"/>.</returns>
    public ModelPrice? Find(string? modelId) =>
        modelId is not null && Models.TryGetValue(modelId, out var price) ? price : null;

    /// <summary>Computes the cost of one answer.</summary>
    /// <param name="modelId">The model that generated the answer; <see langword="null"/> when no model was called.</param>
    /// <param name="usage">The tokens the model call consumed; ignored when no model was called.</param>
    /// <param name="retrieved">Whether the question was embedded and searched.</param>
    /// <returns>
    /// The cost in US dollars: uncached input × input price + cached input × cached price + output × output price, per million
    /// tokens, plus the retrieval prices; <see langword="null"/> when the model is not priced or its token counts are unknown.
    /// </returns>
    public decimal? Compute(string? modelId, TokenUsage? usage, bool retrieved)
    {
        var cost = retrieved ? EmbeddingUsdPerQuery + SearchUsdPerQuery : 0m;
        if (modelId is null)
        {
            return cost;
        }

        if (Find(modelId) is not { } price)
        {
            return null;
        }

        if (price.InputUsdPerMillionTokens == 0 && price.OutputUsdPerMillionTokens == 0 && (price.CachedInputUsdPerMillionTokens ?? 0) == 0)
        {
            // A free model (local or extractive) costs nothing whether or not it reports tokens.
            return cost;
        }

        if (usage?.InputTokens is not { } input || usage.OutputTokens is not { } output)
        {
            return null;
        }

        // Cached tokens are part of the input count (as providers report it); priced separately when the table says how.
        var cached = Math.Clamp(usage.CachedInputTokens ?? 0, 0, input);
        var cachedPrice = price.CachedInputUsdPerMillionTokens ?? price.InputUsdPerMillionTokens;
        return cost + ((((input - cached) * price.InputUsdPerMillionTokens) + (cached * cachedPrice) + (output * price.OutputUsdPerMillionTokens)) / 1_000_000m);
    }
}
