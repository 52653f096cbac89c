namespace HybridAnswer.Planning;

/// <summary>The advisor's recommendation, with the reasons that led to it: something a team can defend.</summary>
public sealed record Recommendation
{
    /// <summary>
    /// Gets what to build: <see cref="AnswerMode.Rag"/>, <see cref="AnswerMode.FineTuned"/> (fine-tuning without retrieval) or
    /// <see cref="AnswerMode.Hybrid"/>; set it in <see cref="HybridAnsweringOptions.Mode"/>.
    /// </summary>
    public required AnswerMode Mode { get; init; }

    /// <summary>Gets why: each checklist answer that decided it, in order of weight.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>Gets what else to know: what would change the recommendation, what fine-tuning would need.</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}
