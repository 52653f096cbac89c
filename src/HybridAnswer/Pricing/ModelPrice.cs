using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>The price of one chat model, in US dollars per 1,000 tokens. An entry of <see cref="ModelPriceTable.Models"/>.</summary>
public sealed class ModelPrice
{
    /// <summary>Gets or sets the price of 1,000 input (prompt) tokens, in US dollars.</summary>
    /// <value>The default is 0.</value>
    [Range(typeof(decimal), "0", "1000")]
    public decimal InputPer1KTokensUsd { get; set; }

    /// <summary>Gets or sets the price of 1,000 output (completion) tokens, in US dollars.</summary>
    /// <value>The default is 0.</value>
    [Range(typeof(decimal), "0", "1000")]
    public decimal OutputPer1KTokensUsd { get; set; }
}
