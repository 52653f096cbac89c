namespace HybridAnswer.Evaluation;

/// <summary>The metrics of the answerable questions of one <see cref="EvaluationQuestion.Style"/> (e.g. lexical or paraphrase).</summary>
public sealed record StyleMetrics
{
    /// <summary>Gets the style, as the question set spells it.</summary>
    public required string Style { get; init; }

    /// <summary>Gets the number of answerable questions of this style.</summary>
    public required int AnswerableCount { get; init; }

    /// <summary>Gets the share whose first-ranked document is an expected one.</summary>
    public double? HitAt1 { get; init; }

    /// <summary>Gets the mean recall of the expected documents in the top-k.</summary>
    public double? RecallAtK { get; init; }

    /// <summary>Gets the share of answers containing the expected phrase, over the questions that give one; <see langword="null"/> when none does.</summary>
    public double? AnswerContainsRate { get; init; }

    /// <summary>Gets how many of these answerable questions were refused.</summary>
    public required int Refused { get; init; }
}
