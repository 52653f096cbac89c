namespace HybridAnswer;

/// <summary>One piece of a streamed generation: a text delta, and on the last update the model id and usage.</summary>
public sealed class GenerationUpdate
{
    /// <summary>Gets the text that arrived with this update (may be empty).</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Gets the id of the model, once known.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the tokens consumed, on the update that reports them.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Gets a value indicating whether a fallback model is producing the text because the preferred one failed.</summary>
    public bool UsedFallback { get; init; }

    /// <summary>Gets why the generator declined, when it did.</summary>
    public NoAnswerReason? DeclineReason { get; init; }
}
