namespace HybridAnswer.Evaluation;

/// <summary>
/// The result of an evaluation: retrieval quality over the answerable questions, refusal quality over all of them,
/// answer quality, and latency. A metric whose denominator is zero (e.g. refusal precision when nothing was refused)
/// is <see langword="null"/>, never a made-up 0 or 1.
/// </summary>
public sealed record EvaluationReport
{
    /// <summary>Gets the k of <see cref="RecallAtK"/> (the top-k of the answers).</summary>
    public required int TopK { get; init; }

    /// <summary>Gets the number of questions evaluated.</summary>
    public required int QuestionCount { get; init; }

    /// <summary>Gets the number of answerable questions (those with expected documents).</summary>
    public required int AnswerableCount { get; init; }

    /// <summary>Gets the number of unanswerable questions.</summary>
    public required int UnanswerableCount { get; init; }

    /// <summary>Gets the share of answerable questions whose first-ranked document is an expected one.</summary>
    public double? HitAt1 { get; init; }

    /// <summary>Gets the mean, over answerable questions, of the share of expected documents found in the top <see cref="TopK"/> documents.</summary>
    public double? RecallAtK { get; init; }

    /// <summary>Gets the mean reciprocal rank of the first expected document (0 for a question where none is ranked).</summary>
    public double? MeanReciprocalRank { get; init; }

    /// <summary>Gets the mean normalised discounted cumulative gain of the top 10 documents, binary relevance.</summary>
    public double? NdcgAt10 { get; init; }

    /// <summary>Gets the share of refusals that were right: refused unanswerable questions over all refusals.</summary>
    public double? RefusalPrecision { get; init; }

    /// <summary>Gets the share of unanswerable questions that were refused.</summary>
    public double? RefusalRecall { get; init; }

    /// <summary>Gets the share of questions with an expected phrase whose answer contains it (a refusal counts as a miss).</summary>
    public double? AnswerContainsRate { get; init; }

    /// <summary>Gets the number of questions that have an expected phrase (the denominator of <see cref="AnswerContainsRate"/>).</summary>
    public required int AnswerContainsCheckedCount { get; init; }

    /// <summary>Gets the median time of a whole answer.</summary>
    public required TimeSpan AnswerLatencyP50 { get; init; }

    /// <summary>Gets the 95th-percentile time of a whole answer (nearest rank).</summary>
    public required TimeSpan AnswerLatencyP95 { get; init; }

    /// <summary>Gets the median time of retrieval alone.</summary>
    public required TimeSpan RetrievalLatencyP50 { get; init; }

    /// <summary>Gets the 95th-percentile time of retrieval alone (nearest rank).</summary>
    public required TimeSpan RetrievalLatencyP95 { get; init; }

    /// <summary>Gets the outcome of every question, in input order.</summary>
    public required IReadOnlyList<QuestionOutcome> Outcomes { get; init; }

    /// <summary>
    /// Gets how many answerable questions were refused by the relevance floor alone (no source above <c>MinScore</c>, reason
    /// <see cref="NoAnswerReason.NoRelevantSources"/>). With a chat model the model decides after the floor, so this must be 0.
    /// </summary>
    public int FloorRefusedAnswerableCount { get; init; }

    /// <summary>Gets the number of questions per kind of miss (every kind listed, 0 included).</summary>
    public IReadOnlyDictionary<EvaluationMiss, int> Misses { get; init; } = new Dictionary<EvaluationMiss, int>();

    /// <summary>Gets the answerable questions' metrics per <see cref="EvaluationQuestion.Style"/>; empty when the set gives no style.</summary>
    public IReadOnlyList<StyleMetrics> ByStyle { get; init; } = [];
}
