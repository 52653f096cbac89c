namespace HybridAnswer.Evaluation;

/// <summary>
/// One question of an evaluation set: either answerable, with the documents that answer it and optionally a phrase the
/// answer must contain, or unanswerable from the knowledge base (the right outcome is a refusal).
/// </summary>
public sealed record EvaluationQuestion
{
    /// <summary>Gets the question as a user would ask it.</summary>
    public required string Question { get; init; }

    /// <summary>Gets the ids of the documents that answer the question (relevant for the retrieval metrics); empty for an unanswerable question.</summary>
    public IReadOnlyList<string> ExpectedDocuments { get; init; } = [];

    /// <summary>Gets a phrase the answer text must contain (compared case-insensitively), or <see langword="null"/> when the answer text is not checked.</summary>
    public string? ExpectedAnswerContains { get; init; }

    /// <summary>Gets a value indicating whether the knowledge base cannot answer the question, so the right outcome is a refusal.</summary>
    public bool Unanswerable { get; init; }

    /// <summary>
    /// Gets how the question was asked, e.g. <c>lexical</c> (in the documents' words) or <c>paraphrase</c> (in a customer's own
    /// words); the report gives its metrics per style. <see langword="null"/> when the set does not say.
    /// </summary>
    public string? Style { get; init; }

    /// <summary>
    /// Gets an answer written in the voice and format the answers should have (e.g. a reviewed answer), or <see langword="null"/>;
    /// <see cref="ModeComparer"/> scores each answer's voice against it (<see cref="ModeResult.VoiceAgreement"/>).
    /// </summary>
    public string? ReferenceAnswer { get; init; }

    /// <summary>Gets the format checks the answer must pass, or <see langword="null"/> (<see cref="ModeResult.FormatAgreement"/>).</summary>
    public AnswerFormat? Format { get; init; }

    /// <summary>Gets the 1-based line of the question in its file, for messages; 0 when it did not come from a file.</summary>
    public int Line { get; init; }
}
