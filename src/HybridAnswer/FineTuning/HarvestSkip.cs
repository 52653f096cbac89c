namespace HybridAnswer.FineTuning;

/// <summary>A reviewed answer left out of the training data, and why.</summary>
/// <param name="Index">Its 0-based position in the input.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record HarvestSkip(int Index, HarvestSkipReason Reason);
