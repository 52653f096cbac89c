namespace HybridAnswer.FineTuning;

/// <summary>A model that can be fine-tuned: its per-example token limit and its training price.</summary>
public sealed record FineTuningModel
{
    /// <summary>Gets the base model id, e.g. <c>gpt-4o-mini-2024-07-18</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the longest training example the service accepts, in tokens; longer ones are truncated.</summary>
    public required int MaxTokensPerExample { get; init; }

    /// <summary>Gets the training price per million trained tokens (tokens × epochs), in US dollars.</summary>
    public required decimal TrainingUsdPerMillionTokens { get; init; }

    /// <summary>Gets the training cost of a number of trained tokens (already multiplied by the epochs).</summary>
    /// <param name="trainedTokens">Tokens × epochs.</param>
    /// <returns>The cost in US dollars.</returns>
    public decimal TrainingCostUsd(long trainedTokens) => trainedTokens * TrainingUsdPerMillionTokens / 1_000_000m;
}
