namespace HybridAnswer.FineTuning;

/// <summary>A reviewed answer left out of the training data, and why.</summary>
public sealed record HarvestSkip
{
    /// <summary>Gets its 0-based position in the input.</summary>
    public required int Index { get; init; }

    /// <summary>Gets why it was left out.</summary>
    public required HarvestSkipReason Reason { get; init; }
}
