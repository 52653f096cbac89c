namespace HybridAnswer;

/// <summary>Tokens consumed by the model call behind an answer, as reported by the model provider.</summary>
public sealed record TokenUsage
{
    /// <summary>Gets the prompt tokens, or <see langword="null"/> when the provider did not report them.</summary>
    public long? InputTokens { get; init; }

    /// <summary>
    /// Gets how many of <see cref="InputTokens"/> the provider read from its prompt cache (OpenAI's
    /// <c>usage.prompt_tokens_details.cached_tokens</c>, <c>UsageDetails.CachedInputTokenCount</c>), which providers bill at a lower
    /// price; <see langword="null"/> when the provider did not report it.
    /// </summary>
    public long? CachedInputTokens { get; init; }

    /// <summary>Gets the completion tokens, or <see langword="null"/> when the provider did not report them.</summary>
    public long? OutputTokens { get; init; }

    /// <summary>Gets the sum of input and output tokens, or <see langword="null"/> when either is unknown.</summary>
    public long? TotalTokens => InputTokens is { } i && OutputTokens is { } o ? i + o : null;
}
