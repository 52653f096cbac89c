using System.Diagnostics;
using HybridAnswer.DecisionFramework;

namespace HybridAnswer.Evaluation;

/// <summary>
/// Runs an evaluation set against an answerer: for every question, one retrieval-only call for the ranking metrics, then one
/// full <see cref="HybridAnswerer.AnswerAsync"/> for refusals, answer text and end-to-end latency. Questions run one at a time
/// so latencies are not inflated by each other, after one untimed warm-up answer.
/// </summary>
/// <remarks>
/// The ranking is measured through <see cref="HybridAnswerer.Retriever"/>, the pipeline the answers are built from (the knowledge
/// base and every decorator added with <c>UseRetriever</c>: MMR, a reranker), to <see cref="EvaluationOptions.RankingDepth"/>
/// (or top-K when deeper), without the relevance floor and without packing to the prompt's budget: an answerable question the
/// floor refuses counts as an over-refusal (<see cref="EvaluationReport.FloorRefusedAnswerableCount"/>), not as a retrieval miss,
/// and MRR and nDCG@10 see ranks below top-K. So it is not <see cref="HybridAnswerer.RetrieveAsync"/>, which applies the floor,
/// cuts to top-K and drops sources that do not fit the prompt.
/// </remarks>
public sealed class Evaluator
{
    private readonly IRetriever _retriever;
    private readonly HybridAnswerer _answerer;

    /// <summary>Initializes a new evaluator.</summary>
    /// <param name="answerer">The answerer whose ranking (through its <see cref="HybridAnswerer.Retriever"/>), answers and refusals are measured.</param>
    public Evaluator(HybridAnswerer answerer)
    {
        ArgumentNullException.ThrowIfNull(answerer);
        _retriever = answerer.Retriever;
        _answerer = answerer;
    }

    /// <summary>Evaluates the questions.</summary>
    /// <param name="questions">The questions (see <see cref="EvaluationQuestionReader"/>).</param>
    /// <param name="options">Top-k, filter and tenant; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The metrics and the outcome of every question.</returns>
    /// <exception cref="ArgumentException"><paramref name="questions"/> is empty or holds a <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range (the message names its key).</exception>
    public async Task<EvaluationReport> EvaluateAsync(IEnumerable<EvaluationQuestion> questions, EvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var list = questions.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("There are no questions to evaluate.", nameof(questions));
        }

        if (list.Any(q => q is null))
        {
            throw new ArgumentException("A question is null.", nameof(questions));
        }

        options ??= new EvaluationOptions();
        OptionsValidation.ThrowIfInvalid(EvaluationOptionsValidator.Instance, options);
        var answerOptions = new AnswerOptions { TopK = options.TopK, Filter = options.Filter, TenantId = options.TenantId };
        var depth = Math.Max(options.TopK, EvaluationOptions.RankingDepth);
        var outcomes = new List<QuestionOutcome>(list.Count);

        // One untimed answer first, so JIT compilation and connection-pool start-up do not land in the percentiles.
        _ = await _answerer.AnswerAsync(list[0].Question, answerOptions, cancellationToken).ConfigureAwait(false);
        foreach (var question in list)
        {
            var started = Stopwatch.GetTimestamp();
            var chunks = await _retriever.RetrieveAsync(
                new RetrievalRequest(question.Question) { TopK = depth, Filter = options.Filter, TenantId = options.TenantId },
                cancellationToken).ConfigureAwait(false);
            var retrieval = Stopwatch.GetElapsedTime(started);
            var ranked = RankingMetrics.DistinctDocuments(chunks);

            started = Stopwatch.GetTimestamp();
            var answer = await _answerer.AnswerAsync(question.Question, answerOptions, cancellationToken).ConfigureAwait(false);
            var answering = Stopwatch.GetElapsedTime(started);

            bool? contains = question.ExpectedAnswerContains is { } expected
                ? answer.Answered && answer.Text.Contains(expected, StringComparison.OrdinalIgnoreCase)
                : null;
            var rank = question.Unanswerable ? null : RankingMetrics.FirstRelevantRank(ranked, Relevant(question));
            outcomes.Add(new QuestionOutcome
            {
                Question = question,
                RankedDocuments = ranked,
                Answered = answer.Answered,
                AnswerText = answer.Text,
                AnswerContainsExpected = contains,
                FirstRelevantRank = rank,
                RefusalReason = answer.Answered ? null : answer.NoAnswerReason,
                Miss = Classify(question, rank, options.TopK, answer.Answered, contains),
                RetrievalLatency = retrieval,
                AnswerLatency = answering,
            });
        }

        return Summarize(outcomes, options.TopK);
    }

    /// <summary>Computes the metrics from per-question outcomes.</summary>
    internal static EvaluationReport Summarize(IReadOnlyList<QuestionOutcome> outcomes, int topK)
    {
        var answerable = outcomes.Where(o => !o.Question.Unanswerable).ToList();
        var unanswerable = outcomes.Count - answerable.Count;
        var refusals = outcomes.Where(o => !o.Answered).ToList();
        var checkedPhrases = outcomes.Where(o => o.AnswerContainsExpected is not null).ToList();
        var answerLatencies = outcomes.Select(o => o.AnswerLatency).ToList();
        var retrievalLatencies = outcomes.Select(o => o.RetrievalLatency).ToList();

        double? Mean(Func<IReadOnlyList<string>, IReadOnlyCollection<string>, double> metric) =>
            RankingMetrics.Mean([.. answerable.Select(o => metric(o.RankedDocuments, Relevant(o.Question)))]);

        return new EvaluationReport
        {
            TopK = topK,
            QuestionCount = outcomes.Count,
            AnswerableCount = answerable.Count,
            UnanswerableCount = unanswerable,
            HitAt1 = Mean(RankingMetrics.HitAt1),
            RecallAtK = Mean((r, e) => RankingMetrics.RecallAt(topK, r, e)),
            MeanReciprocalRank = Mean(RankingMetrics.ReciprocalRank),
            NdcgAt10 = Mean((r, e) => RankingMetrics.NdcgAt(EvaluationOptions.RankingDepth, r, e)),
            RefusalPrecision = RankingMetrics.Ratio(refusals.Count(o => o.Question.Unanswerable), refusals.Count),
            RefusalRecall = RankingMetrics.Ratio(refusals.Count(o => o.Question.Unanswerable), unanswerable),
            AnswerContainsRate = RankingMetrics.Ratio(checkedPhrases.Count(o => o.AnswerContainsExpected == true), checkedPhrases.Count),
            AnswerContainsCheckedCount = checkedPhrases.Count,
            AnswerLatencyP50 = RankingMetrics.Percentile(answerLatencies, 50),
            AnswerLatencyP95 = RankingMetrics.Percentile(answerLatencies, 95),
            RetrievalLatencyP50 = RankingMetrics.Percentile(retrievalLatencies, 50),
            RetrievalLatencyP95 = RankingMetrics.Percentile(retrievalLatencies, 95),
            FloorRefusedAnswerableCount = answerable.Count(o => !o.Answered && o.RefusalReason == NoAnswerReason.NoRelevantSources),
            Misses = Enum.GetValues<EvaluationMiss>().Where(m => m != EvaluationMiss.None).ToDictionary(m => m, m => outcomes.Count(o => o.Miss == m)),
            ByStyle = [.. answerable.Where(o => o.Question.Style is not null).GroupBy(o => o.Question.Style!, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new StyleMetrics
                {
                    Style = g.Key,
                    AnswerableCount = g.Count(),
                    HitAt1 = RankingMetrics.Mean([.. g.Select(o => RankingMetrics.HitAt1(o.RankedDocuments, Relevant(o.Question)))]),
                    RecallAtK = RankingMetrics.Mean([.. g.Select(o => RankingMetrics.RecallAt(topK, o.RankedDocuments, Relevant(o.Question)))]),
                    AnswerContainsRate = RankingMetrics.Ratio(g.Count(o => o.AnswerContainsExpected == true), g.Count(o => o.AnswerContainsExpected is not null)),
                    Refused = g.Count(o => !o.Answered),
                })],
            Outcomes = outcomes,
        };
    }

    /// <summary>Says what went wrong with one question: retrieval, the refusal decision, or the quoted sentences.</summary>
    internal static EvaluationMiss Classify(EvaluationQuestion question, int? firstRelevantRank, int topK, bool answered, bool? containsExpected)
    {
        if (question.Unanswerable)
        {
            return answered ? EvaluationMiss.AnsweredUnanswerable : EvaluationMiss.None;
        }

        if (firstRelevantRank is not { } rank || rank > topK)
        {
            return EvaluationMiss.RetrievalMiss;
        }

        return !answered ? EvaluationMiss.OverRefusal : containsExpected == false ? EvaluationMiss.WrongSentence : EvaluationMiss.None;
    }

    private static HashSet<string> Relevant(EvaluationQuestion question) => new(question.ExpectedDocuments, StringComparer.Ordinal);
}
