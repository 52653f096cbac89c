namespace HybridAnswer;

/// <summary>Writes the answer text from the question and the retrieved sources.</summary>
public interface IGenerator
{
    /// <summary>Generates a complete answer.</summary>
    /// <param name="request">The question, the mode, the numbered sources and the customer context.</param>
    /// <param name="cancellationToken">Cancels the generation.</param>
    /// <returns>The text (with <c>[n]</c> markers referring to <see cref="GenerationRequest.Sources"/>), the model id and the usage.</returns>
    Task<GeneratedAnswer> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Generates an answer as a stream of text deltas; the last update carries the model id and usage.</summary>
    /// <param name="request">The question, the mode, the numbered sources and the customer context.</param>
    /// <param name="cancellationToken">Cancels the generation.</param>
    IAsyncEnumerable<GenerationUpdate> GenerateStreamingAsync(GenerationRequest request, CancellationToken cancellationToken = default);
}
