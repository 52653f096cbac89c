namespace HybridAnswer.FineTuning;

/// <summary>A model that can be fine-tuned: its per-example token limit and its training price.</summary>
/// <param name="Id">The base model id, e.g. <c>gpt-4o-mini-2024-07-18</c>.</param>
/// <param name="MaxTokensPerExample">The longest training example the service accepts, in tokens; longer ones are truncated.</param>
/// <param name="TrainingUsdPerMillionTokens">The training price per million trained tokens (tokens × epochs), in US dollars.</param>
public sealed record FineTuningModel(string Id, int MaxTokensPerExample, decimal TrainingUsdPerMillionTokens)
{
    /// <summary>Gets the training cost of a number of trained tokens (already multiplied by the epochs).</summary>
    /// <param name="trainedTokens">Tokens × epochs.</param>
    /// <returns>The cost in US dollars.</returns>
    public decimal TrainingCostUsd(long trainedTokens) => trainedTokens * TrainingUsdPerMillionTokens / 1_000_000m;
}
