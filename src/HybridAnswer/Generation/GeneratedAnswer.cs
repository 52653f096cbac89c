namespace HybridAnswer;

/// <summary>The output of <see cref="IGenerator.GenerateAsync"/>.</summary>
public sealed class GeneratedAnswer
{
    /// <summary>Gets the answer text, with <c>[n]</c> markers referring to the request's sources.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the id of the model that wrote the text.</summary>
    public required string ModelId { get; init; }

    /// <summary>Gets the tokens consumed, when the model reports them.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Gets why the generator declined to answer, or <see langword="null"/> when it answered. A generator may also decline by answering with the no-answer text.</summary>
    public NoAnswerReason? DeclineReason { get; init; }

    /// <summary>Gets a value indicating whether a fallback model produced the text because the preferred one failed.</summary>
    public bool UsedFallback { get; init; }
}
