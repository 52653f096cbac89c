namespace HybridAnswer.Evaluation;

/// <summary>One metric of one mode past the allowance of <see cref="ComparisonGate"/>.</summary>
public sealed record GateViolation
{
    /// <summary>Gets the mode.</summary>
    public required AnswerMode Mode { get; init; }

    /// <summary>Gets the metric's JSON name (<c>factRate</c>, <c>costUsdPerAnswer</c>, …).</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the baseline's value.</summary>
    public required double Baseline { get; init; }

    /// <summary>Gets this run's value; <see langword="null"/> when it could no longer be measured.</summary>
    public double? Current { get; init; }

    /// <summary>Gets a sentence naming the mode, the metric, both values and the allowance.</summary>
    public required string Message { get; init; }
}
