namespace HybridAnswer;

/// <summary>Tokens consumed by the model call behind an answer, as reported by the model provider.</summary>
/// <param name="InputTokens">Prompt tokens, or <see langword="null"/> when the provider did not report them.</param>
/// <param name="OutputTokens">Completion tokens, or <see langword="null"/> when the provider did not report them.</param>
public sealed record TokenUsage(long? InputTokens, long? OutputTokens)
{
    /// <summary>Gets the sum of input and output tokens, or <see langword="null"/> when either is unknown.</summary>
    public long? TotalTokens => InputTokens is { } i && OutputTokens is { } o ? i + o : null;
}
