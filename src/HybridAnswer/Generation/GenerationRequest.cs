namespace HybridAnswer;

/// <summary>The input of an <see cref="IGenerator"/>.</summary>
public sealed record GenerationRequest
{
    /// <summary>Gets the question.</summary>
    public required string Question { get; init; }

    /// <summary>Gets the answering mode, which decides the model and the prompt.</summary>
    public required AnswerMode Mode { get; init; }

    /// <summary>Gets the sources, best first; source <c>i</c> (from 0) is cited as <c>[i + 1]</c>. Empty in <see cref="AnswerMode.FineTuned"/> mode.</summary>
    public IReadOnlyList<RetrievedChunk> Sources { get; init; } = [];

    /// <summary>Gets facts about the customer asking, if a provider supplied them.</summary>
    public CustomerContext? Customer { get; init; }

    /// <summary>Gets the most tokens the answer may have; <see langword="null"/> leaves the provider's limit.</summary>
    public int? MaxAnswerTokens { get; init; }

    /// <summary>Gets the text the generator must answer with when the sources do not answer the question.</summary>
    public required string NoAnswerText { get; init; }

    /// <summary>
    /// Gets the prompt the answerer made for this request (packed sources and messages), so the generator sends it rather than
    /// making its own; <see langword="null"/> when the request did not come from the answerer.
    /// </summary>
    internal Prompt? Prompt { get; init; }
}
