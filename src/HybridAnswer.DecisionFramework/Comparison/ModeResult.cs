namespace HybridAnswer.Evaluation;

/// <summary>
/// One mode's measurements on a question set (<see cref="ModeComparer"/>). Rates are 0–1, <see langword="null"/> when
/// nothing could be measured (no question of that kind, no priced answer, no retrieval in the mode).
/// </summary>
public sealed record ModeResult
{
    /// <summary>Gets the mode measured.</summary>
    public required AnswerMode Mode { get; init; }

    /// <summary>Gets the model that answered (the last answer's model id).</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the number of questions asked.</summary>
    public required int Questions { get; init; }

    /// <summary>Gets the share of answerable questions with an expected phrase whose answer contains it (expected facts found).</summary>
    public double? FactRate { get; init; }

    /// <summary>
    /// Gets the share of answered questions whose answer cites at least one source and every citation is held by its source:
    /// the source's terms cover the citing sentence's (<see cref="ModeComparer.SupportThreshold"/>). An answer that cites nothing
    /// does not count as correctly cited.
    /// </summary>
    public double? CitationAccuracy { get; init; }

    /// <summary>Gets the share of answer sentences (over all answered questions) supported by one of the answer's cited sources.</summary>
    public double? Groundedness { get; init; }

    /// <summary>Gets the share of refusals that were on unanswerable questions.</summary>
    public double? RefusalPrecision { get; init; }

    /// <summary>Gets the share of unanswerable questions refused.</summary>
    public double? RefusalRecall { get; init; }

    /// <summary>
    /// Gets the share of format checks passed (<see cref="EvaluationQuestion.Format"/>: pattern, word counts, bullets, start, end),
    /// over every question that gives a format, refusals included; <see langword="null"/> when no question does.
    /// </summary>
    public double? FormatAgreement { get; init; }

    /// <summary>
    /// Gets the mean voice similarity of the answers to the reference answers (<see cref="EvaluationQuestion.ReferenceAnswer"/>):
    /// the cosine of the two texts' word unigram and bigram counts (lower-cased, citation markers removed, stop words kept), 0–1,
    /// over every question that gives one, refusals included; <see langword="null"/> when no question does.
    /// </summary>
    public double? VoiceAgreement { get; init; }

    /// <summary>Gets the share of answerable questions with expected documents whose answer's sources hold one of them; <see langword="null"/> when the mode does not retrieve.</summary>
    public double? RetrievalHitRate { get; init; }

    /// <summary>Gets the median answer latency in milliseconds.</summary>
    public required double LatencyP50Ms { get; init; }

    /// <summary>Gets the 95th-percentile answer latency in milliseconds.</summary>
    public required double LatencyP95Ms { get; init; }

    /// <summary>Gets the mean input tokens per answer (answers that reported usage).</summary>
    public double? InputTokensPerAnswer { get; init; }

    /// <summary>Gets the mean cached input tokens per answer (part of the input tokens; answers whose provider reported them).</summary>
    public double? CachedInputTokensPerAnswer { get; init; }

    /// <summary>Gets the mean output tokens per answer (answers that reported usage).</summary>
    public double? OutputTokensPerAnswer { get; init; }

    /// <summary>Gets the mean measured cost of an answer (usage × prices, <see cref="Answer.CostUsd"/>); <see langword="null"/> when no answer was priced.</summary>
    public decimal? CostUsdPerAnswer { get; init; }

    /// <summary>Gets the projected monthly cost: the measured cost per answer at the volume, plus training per month for the fine-tuned modes.</summary>
    public decimal? ProjectedMonthlyUsd { get; init; }

    /// <summary>Gets the quality score the recommendation ranks on: the mean of the quality rates that could be measured.</summary>
    public double? Quality { get; init; }
}
