namespace HybridAnswer;

/// <summary>
/// The one exception a model call fails with, after its retries (and the fallback, when enabled): the provider's error,
/// a timeout or a malformed response is its <see cref="Exception.InnerException"/>. Cancellation by the caller is not a
/// failure and surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class AnswerGenerationException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public AnswerGenerationException()
        : this("The model call failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed.</param>
    public AnswerGenerationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public AnswerGenerationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for a failed model call.</summary>
    /// <param name="mode">The answering mode of the call.</param>
    /// <param name="modelId">The model the call was routed to.</param>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public AnswerGenerationException(AnswerMode mode, string modelId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Mode = mode;
        ModelId = modelId;
    }

    /// <summary>Gets the answering mode of the failed call.</summary>
    public AnswerMode Mode { get; }

    /// <summary>Gets the id of the model the call was routed to (the fine-tuned model when a fallback to the base model also failed).</summary>
    public string? ModelId { get; }

    /// <summary>Gets the id of the fallback model that was tried as well, if any.</summary>
    public string? FallbackModelId { get; init; }

    /// <summary>Gets a value indicating whether the call failed because it exceeded <see cref="GenerationOptions.Timeout"/>.</summary>
    public bool IsTimeout { get; init; }

    /// <summary>Gets the HTTP status code of the provider's last error response, when there was one.</summary>
    public int? StatusCode { get; init; }
}
