using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>
/// Options of <see cref="MaximalMarginalRelevanceRetriever"/>. Bound from configuration section
/// <c>HybridAnswering:MaximalMarginalRelevance</c> when added with <c>UseMaximalMarginalRelevance()</c>.
/// </summary>
public sealed class MaximalMarginalRelevanceOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":MaximalMarginalRelevance";

    private const double DefaultLambda = 0.5;
    private const int DefaultCandidateFactor = 4;

    /// <summary>
    /// Gets or sets the trade-off between relevance and novelty: 1 ranks by score alone, 0 picks
    /// each next chunk only for being unlike those already picked.
    /// </summary>
    /// <value>The default is 0.5.</value>
    [Range(0.0, 1.0)]
    public double Lambda { get; set; } = DefaultLambda;

    /// <summary>
    /// Gets or sets how many more candidates than top-K to ask the inner retriever for (top-K × factor, at most
    /// <see cref="RetrievalRequest.MaxTopK"/>): the pool the diverse top-K is chosen from.
    /// </summary>
    /// <value>The default is 4.</value>
    [Range(1, RetrievalRequest.MaxTopK)]
    public int CandidateFactor { get; set; } = DefaultCandidateFactor;
}
