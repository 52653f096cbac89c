namespace HybridAnswer.FineTuning;

/// <summary>The training examples harvested from reviewed answers, and what was left out.</summary>
/// <param name="Examples">The training examples, in input order.</param>
/// <param name="Skipped">The reviewed answers left out, in input order.</param>
public sealed record HarvestResult(IReadOnlyList<TrainingExample> Examples, IReadOnlyList<HarvestSkip> Skipped);
