namespace HybridAnswer.Evaluation;

/// <summary>The result of <see cref="ModeComparer.CompareAsync"/>: every mode side by side and the two verdicts.</summary>
public sealed record ModeComparison
{
    /// <summary>Gets one result per mode, in the order asked.</summary>
    public required IReadOnlyList<ModeResult> Modes { get; init; }

    /// <summary>Gets the query volume the projections use.</summary>
    public required long QueriesPerDay { get; init; }

    /// <summary>Gets the measured verdict: the best quality, or a cheaper mode within the tolerance of it.</summary>
    public required AnswerMode Recommendation { get; init; }

    /// <summary>Gets why the measured verdict was chosen.</summary>
    public required string RecommendationReason { get; init; }

    /// <summary>Gets the cost model's modelled projection at the same volume (no measurement), for comparison with the measured one.</summary>
    public IReadOnlyList<Planning.CostProjection> Modelled { get; init; } = [];

    /// <summary>Gets the checklist's verdict (<see cref="Planning.ApproachAdvisor"/>), or <see langword="null"/> when no checklist was given.</summary>
    public AnswerMode? ChecklistRecommendation { get; init; }
}
