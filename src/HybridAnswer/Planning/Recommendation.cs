namespace HybridAnswer.Planning;

/// <summary>The advisor's recommendation, with the reasons that led to it: something a team can defend.</summary>
/// <param name="Approach">What to build.</param>
/// <param name="Reasons">Why: each checklist answer that decided it, in order of weight.</param>
/// <param name="Notes">What else to know: what would change the recommendation, what fine-tuning would need.</param>
public sealed record Recommendation(Approach Approach, IReadOnlyList<string> Reasons, IReadOnlyList<string> Notes)
{
    /// <summary>Gets the <see cref="AnswerMode"/> that implements the approach (set it in <see cref="HybridAnsweringOptions.Mode"/>).</summary>
    public AnswerMode Mode => Approach switch
    {
        Approach.FineTuning => AnswerMode.FineTuned,
        Approach.Hybrid => AnswerMode.Hybrid,
        _ => AnswerMode.Rag,
    };
}
