using HybridAnswer.Planning;

namespace HybridAnswer.Evaluation;

/// <summary>What <see cref="ModeComparer"/> runs and how it projects cost.</summary>
public sealed class ModeComparisonOptions
{
    /// <summary>Gets the modes to compare, in report order.</summary>
    /// <value>Default: <see cref="AnswerMode.Rag"/>, <see cref="AnswerMode.FineTuned"/>, <see cref="AnswerMode.Hybrid"/>.</value>
    public IReadOnlyList<AnswerMode> Modes { get; init; } = CostModel.Modes;

    /// <summary>Gets how many chunks the retrieving modes use; <see langword="null"/> for the answerer's default.</summary>
    public int? TopK { get; init; }

    /// <summary>Gets the metadata filter every retrieving answer uses.</summary>
    public IReadOnlyDictionary<string, string> Filter { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the tenant every answer is scoped to, or <see langword="null"/>.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the query volume the monthly projection uses.</summary>
    /// <value>Default: 10,000 (the framework's example).</value>
    public long QueriesPerDay { get; init; } = 10_000;

    /// <summary>Gets the cost model whose training cost per month (the retraining cadence) is added to the fine-tuned modes.</summary>
    /// <value>Default: <see cref="CostModel.Default"/>.</value>
    public CostModel CostModel { get; init; } = CostModel.Default;

    /// <summary>Gets the checklist whose verdict is reported beside the measured one; <see langword="null"/> for none.</summary>
    public AdvisorChecklist? Checklist { get; init; }

    /// <summary>
    /// Gets how much lower a mode's quality may be than the best mode's and still be recommended for being cheaper.
    /// </summary>
    /// <value>Default: 0.02 (two points of the 0–1 quality score).</value>
    public double QualityTolerance { get; init; } = 0.02;
}
