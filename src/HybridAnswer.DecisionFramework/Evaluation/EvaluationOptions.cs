using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.Evaluation;

/// <summary>
/// How an evaluation runs: retrieval depth, filter and tenant, applied to every question. Checked where they are used
/// (<see cref="Evaluator.EvaluateAsync"/>, <see cref="RefusalCalibrator.CalibrateAsync"/>): a bad value throws
/// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming its key under <see cref="SectionName"/>.
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>The configuration section the options bind from (<c>configuration.GetSection(SectionName).Get&lt;EvaluationOptions&gt;()</c>), and the prefix of the keys its validation failures name.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":Evaluation";

    /// <summary>The number of results the ranking metrics other than recall look at (nDCG@10).</summary>
    public const int RankingDepth = 10;

    /// <summary>Gets the k of recall@k, which is also the top-k the answers are generated from (1–100).</summary>
    /// <value>The default is 5.</value>
    [Range(1, RetrievalRequest.MaxTopK)]
    public int TopK { get; init; } = 5;

    /// <summary>Gets metadata equality filters applied to retrieval and answers (e.g. <c>status</c> = <c>published</c>).</summary>
    /// <value>The default is empty.</value>
    [Required]
    public IReadOnlyDictionary<string, string> Filter { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the tenant whose knowledge is searched; <see langword="null"/> in a single-tenant knowledge base.</summary>
    public string? TenantId { get; init; }
}
