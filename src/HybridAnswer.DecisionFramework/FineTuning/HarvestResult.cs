namespace HybridAnswer.FineTuning;

/// <summary>The training examples harvested from reviewed answers, and what was left out.</summary>
public sealed record HarvestResult
{
    /// <summary>Gets the training examples, in input order.</summary>
    public required IReadOnlyList<TrainingExample> Examples { get; init; }

    /// <summary>Gets the reviewed answers left out, in input order.</summary>
    public required IReadOnlyList<HarvestSkip> Skipped { get; init; }
}
