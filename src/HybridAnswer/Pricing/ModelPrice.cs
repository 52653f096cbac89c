using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>
/// The price of one chat model, in US dollars per million tokens (the unit providers publish). An entry of
/// <see cref="ModelPriceTable.Models"/>.
/// </summary>
public sealed class ModelPrice
{
    /// <summary>Gets or sets the price of one million input (prompt) tokens, in US dollars.</summary>
    /// <value>The default is 0.</value>
    [Range(typeof(decimal), "0", "1000000")]
    public decimal InputUsdPerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of one million output (completion) tokens, in US dollars.</summary>
    /// <value>The default is 0.</value>
    [Range(typeof(decimal), "0", "1000000")]
    public decimal OutputUsdPerMillionTokens { get; set; }

    /// <summary>
    /// Gets or sets the price of one million cached input tokens (prompt tokens the provider read from its cache,
    /// <see cref="TokenUsage.CachedInputTokens"/>), in US dollars; <see langword="null"/> prices them as ordinary input.
    /// </summary>
    /// <value>The default is <see langword="null"/>: cached tokens cost <see cref="InputUsdPerMillionTokens"/>.</value>
    [Range(typeof(decimal), "0", "1000000")]
    public decimal? CachedInputUsdPerMillionTokens { get; set; }
}
