namespace HybridAnswer.Evaluation;

/// <summary>One point of a refusal curve: refuse when the value is below <see cref="Threshold"/>.</summary>
public sealed record CalibrationPoint
{
    /// <summary>Gets the threshold: a question whose value is below it is refused.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets the share of unanswerable questions refused at this threshold.</summary>
    public required double RefusalRecall { get; init; }

    /// <summary>Gets the share of answerable questions refused at this threshold.</summary>
    public required double AnswerableRefused { get; init; }

    /// <summary>Gets the share of refused questions that were unanswerable; <see langword="null"/> when nothing is refused.</summary>
    public double? RefusalPrecision { get; init; }
}
