namespace HybridAnswer.Evaluation;

/// <summary>What happened to one evaluation question: the ranking, the answer, the time it took.</summary>
public sealed record QuestionOutcome
{
    /// <summary>Gets the question.</summary>
    public required EvaluationQuestion Question { get; init; }

    /// <summary>Gets the distinct document ids in the order the retriever ranked their best chunk, at most <see cref="EvaluationOptions.RankingDepth"/> or top-k, whichever is larger.</summary>
    public required IReadOnlyList<string> RankedDocuments { get; init; }

    /// <summary>Gets a value indicating whether the answerer answered (<see langword="false"/> for a refusal).</summary>
    public required bool Answered { get; init; }

    /// <summary>Gets the answer text (the refusal text for a refusal).</summary>
    public required string AnswerText { get; init; }

    /// <summary>Gets whether the answer contains <see cref="EvaluationQuestion.ExpectedAnswerContains"/>; <see langword="null"/> when the question has none.</summary>
    public bool? AnswerContainsExpected { get; init; }

    /// <summary>Gets the 1-based rank of the first expected document in <see cref="RankedDocuments"/>; <see langword="null"/> when none was found or the question is unanswerable.</summary>
    public int? FirstRelevantRank { get; init; }

    /// <summary>Gets why the answerer refused (<see langword="null"/> when it answered): <see cref="HybridAnswer.NoAnswerReason.NoRelevantSources"/> is the relevance floor alone.</summary>
    public NoAnswerReason? RefusalReason { get; init; }

    /// <summary>Gets what went wrong with the question, <see cref="EvaluationMiss.None"/> when nothing did.</summary>
    public EvaluationMiss Miss { get; init; }

    /// <summary>Gets the time of the retrieval-only call made for the ranking metrics.</summary>
    public required TimeSpan RetrievalLatency { get; init; }

    /// <summary>Gets the time of the whole answer (<see cref="HybridAnswerer.AnswerAsync"/>).</summary>
    public required TimeSpan AnswerLatency { get; init; }
}
