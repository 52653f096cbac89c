using System.ComponentModel.DataAnnotations;
using HybridAnswer.Planning;

namespace HybridAnswer.Evaluation;

/// <summary>
/// What <see cref="ModeComparer"/> runs and how it projects cost. Checked by <see cref="ModeComparer.CompareAsync"/>: a bad value
/// throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming its key under <see cref="SectionName"/>.
/// </summary>
public sealed class ModeComparisonOptions
{
    /// <summary>The configuration section the options bind from, and the prefix of the keys its validation failures name.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":ModeComparison";

    /// <summary>Gets the modes to compare, in report order.</summary>
    /// <value>Default: <see cref="AnswerMode.Rag"/>, <see cref="AnswerMode.FineTuned"/>, <see cref="AnswerMode.Hybrid"/>; at least one.</value>
    [Required]
    public IReadOnlyList<AnswerMode> Modes { get; init; } = CostModel.Modes;

    /// <summary>Gets how many chunks the retrieving modes use; <see langword="null"/> for the answerer's default.</summary>
    /// <value>The default is <see langword="null"/>; otherwise 1 to <see cref="RetrievalRequest.MaxTopK"/>.</value>
    [Range(1, RetrievalRequest.MaxTopK)]
    public int? TopK { get; init; }

    /// <summary>Gets the metadata filter every retrieving answer uses.</summary>
    [Required]
    public IReadOnlyDictionary<string, string> Filter { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the tenant every answer is scoped to, or <see langword="null"/>.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the query volume the monthly projection uses.</summary>
    /// <value>Default: 10,000 (the framework's example); at least 0.</value>
    [Range(typeof(long), "0", "9223372036854775807")]
    public long QueriesPerDay { get; init; } = 10_000;

    /// <summary>Gets the cost model whose training cost per month (the retraining cadence) is added to the fine-tuned modes.</summary>
    /// <value>Default: <see cref="CostModel.Default"/>.</value>
    [Required]
    public CostModel CostModel { get; init; } = CostModel.Default;

    /// <summary>Gets the checklist whose verdict is reported beside the measured one; <see langword="null"/> for none.</summary>
    public AdvisorChecklist? Checklist { get; init; }

    /// <summary>
    /// Gets how much lower a mode's quality may be than the best mode's and still be recommended for being cheaper.
    /// </summary>
    /// <value>Default: 0.02 (two points of the 0–1 quality score); from 0 to 1.</value>
    [Range(0.0, 1.0)]
    public double QualityTolerance { get; init; } = 0.02;
}
