using System.Diagnostics;
using System.Globalization;
using HybridAnswer.DecisionFramework;
using HybridAnswer.Planning;

namespace HybridAnswer.Evaluation;

/// <summary>
/// The decision framework, measured: runs one question set through each answering mode (RAG, fine-tuned, hybrid) with the
/// host's real answerer and reports quality (expected facts, citation accuracy, groundedness, refusals, agreement with the
/// reference answers' format and voice), retrieval, latency,
/// tokens and measured cost side by side, the projected monthly cost with the cost model's training cadence, and a verdict
/// beside the checklist's. Questions run one at a time, after one untimed warm-up answer per mode, so latencies are not
/// inflated by each other or by start-up.
/// </summary>
public sealed class ModeComparer
{
    /// <summary>The share of a sentence's terms a source must hold to support it (groundedness and citation accuracy).</summary>
    public const double SupportThreshold = 0.6;

    private readonly HybridAnswerer _answerer;

    /// <summary>Initializes a new comparer.</summary>
    /// <param name="answerer">The answerer, configured with the base model and (for the fine-tuned modes) the fine-tuned model.</param>
    public ModeComparer(HybridAnswerer answerer)
    {
        ArgumentNullException.ThrowIfNull(answerer);
        _answerer = answerer;
    }

    /// <summary>Compares the modes on the questions.</summary>
    /// <param name="questions">The question set (the <c>eval</c> format, <see cref="EvaluationQuestionReader"/>).</param>
    /// <param name="options">Modes, retrieval, volume and checklist; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>Every mode's measurements and the verdicts.</returns>
    /// <exception cref="ArgumentException"><paramref name="questions"/> is empty or holds a <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range or no mode is given (the message names its key).</exception>
    public async Task<ModeComparison> CompareAsync(IEnumerable<EvaluationQuestion> questions, ModeComparisonOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var list = questions.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("There are no questions to compare on.", nameof(questions));
        }

        if (list.Any(q => q is null))
        {
            throw new ArgumentException("A question is null.", nameof(questions));
        }

        options ??= new ModeComparisonOptions();
        OptionsValidation.ThrowIfInvalid(ModeComparisonOptionsValidator.Instance, options);
        var results = new List<ModeResult>();
        foreach (var mode in options.Modes.Distinct())
        {
            results.Add(await MeasureAsync(mode, list, options, cancellationToken).ConfigureAwait(false));
        }

        var (recommended, reason) = Recommend(results, options.QualityTolerance);
        return new ModeComparison
        {
            Modes = results,
            QueriesPerDay = options.QueriesPerDay,
            Recommendation = recommended,
            RecommendationReason = reason,
            Modelled = options.CostModel.Project(options.QueriesPerDay),
            ChecklistRecommendation = options.Checklist is { } checklist ? ApproachAdvisor.Recommend(checklist).Mode : null,
        };
    }

    private async Task<ModeResult> MeasureAsync(AnswerMode mode, List<EvaluationQuestion> questions, ModeComparisonOptions options, CancellationToken cancellationToken)
    {
        var answerOptions = new AnswerOptions { Mode = mode, TopK = options.TopK, Filter = options.Filter, TenantId = options.TenantId };
        _ = await _answerer.AnswerAsync(questions[0].Question, answerOptions, cancellationToken).ConfigureAwait(false);
        var answers = new List<(EvaluationQuestion Question, Answer Answer, TimeSpan Latency)>(questions.Count);
        foreach (var question in questions)
        {
            var started = Stopwatch.GetTimestamp();
            var answer = await _answerer.AnswerAsync(question.Question, answerOptions, cancellationToken).ConfigureAwait(false);
            answers.Add((question, answer, Stopwatch.GetElapsedTime(started)));
        }

        return Summarize(mode, answers, options);
    }

    internal static ModeResult Summarize(AnswerMode mode, IReadOnlyList<(EvaluationQuestion Question, Answer Answer, TimeSpan Latency)> answers, ModeComparisonOptions options)
    {
        var phrased = answers.Where(a => !a.Question.Unanswerable && a.Question.ExpectedAnswerContains is not null).ToList();
        var refusals = answers.Where(a => !a.Answer.Answered).ToList();
        var unanswerable = answers.Count(a => a.Question.Unanswerable);
        var answered = answers.Where(a => a.Answer.Answered).Select(a => AnswerGrounding.Score(a.Answer)).ToList();
        var withDocuments = answers.Where(a => !a.Question.Unanswerable && a.Question.ExpectedDocuments.Count > 0).ToList();
        var latencies = answers.Select(a => a.Latency).ToList();
        var usage = answers.Where(a => a.Answer.Usage is not null).Select(a => a.Answer.Usage!).ToList();
        var priced = answers.Where(a => a.Answer.CostUsd is not null).Select(a => a.Answer).ToList();
        var projection = options.CostModel.ProjectMeasured(priced, options.QueriesPerDay).FirstOrDefault(p => p.Mode == mode);

        var factRate = RankingMetrics.Ratio(phrased.Count(a => a.Answer.Answered && a.Answer.Text.Contains(a.Question.ExpectedAnswerContains!, StringComparison.OrdinalIgnoreCase)), phrased.Count);
        var citationAccuracy = RankingMetrics.Ratio(answered.Count(a => a.CorrectlyCited), answered.Count);
        var groundedness = RankingMetrics.Ratio(answered.Sum(a => a.Supported), answered.Sum(a => a.Sentences));
        var refusalPrecision = RankingMetrics.Ratio(refusals.Count(a => a.Question.Unanswerable), refusals.Count);
        var refusalRecall = RankingMetrics.Ratio(refusals.Count(a => a.Question.Unanswerable), unanswerable);
        var formatted = answers.Where(a => a.Question.Format is not null).ToList();
        var formatAgreement = RankingMetrics.Ratio(formatted.Sum(a => ReferenceAgreement.FormatPassed(a.Question.Format!, a.Answer.Text)), formatted.Sum(a => a.Question.Format!.Checks));
        var voiceAgreement = RankingMetrics.Mean([.. answers.Where(a => a.Question.ReferenceAnswer is not null).Select(a => ReferenceAgreement.Voice(a.Answer.Text, a.Question.ReferenceAnswer!))]);
        double?[] quality = [factRate, citationAccuracy, groundedness, refusalPrecision, refusalRecall, formatAgreement, voiceAgreement];
        var measured = quality.Where(q => q is not null).Select(q => q!.Value).ToList();
        return new ModeResult
        {
            Mode = mode,
            ModelId = answers.LastOrDefault(a => a.Answer.ModelId is not null).Answer?.ModelId,
            Questions = answers.Count,
            FactRate = factRate,
            CitationAccuracy = citationAccuracy,
            Groundedness = groundedness,
            RefusalPrecision = refusalPrecision,
            RefusalRecall = refusalRecall,
            FormatAgreement = formatAgreement,
            VoiceAgreement = voiceAgreement is { } voice ? Math.Round(voice, 6) : null,
            RetrievalHitRate = mode == AnswerMode.FineTuned ? null : RankingMetrics.Ratio(
                withDocuments.Count(a => a.Answer.Sources.Any(s => a.Question.ExpectedDocuments.Contains(s.DocumentId, StringComparer.Ordinal))), withDocuments.Count),
            LatencyP50Ms = Math.Round(RankingMetrics.Percentile(latencies, 50).TotalMilliseconds, 3),
            LatencyP95Ms = Math.Round(RankingMetrics.Percentile(latencies, 95).TotalMilliseconds, 3),
            InputTokensPerAnswer = RankingMetrics.Mean([.. usage.Where(u => u.InputTokens is not null).Select(u => (double)u.InputTokens!.Value)]),
            CachedInputTokensPerAnswer = RankingMetrics.Mean([.. usage.Where(u => u.CachedInputTokens is not null).Select(u => (double)u.CachedInputTokens!.Value)]),
            OutputTokensPerAnswer = RankingMetrics.Mean([.. usage.Where(u => u.OutputTokens is not null).Select(u => (double)u.OutputTokens!.Value)]),
            CostUsdPerAnswer = projection?.UsdPerQuery,
            ProjectedMonthlyUsd = projection?.TotalUsdPerMonth,
            Quality = measured.Count == 0 ? null : measured.Average(),
        };
    }

    /// <summary>The best quality wins; a mode within the tolerance of it wins instead when its projected month is cheaper.</summary>
    internal static (AnswerMode Mode, string Reason) Recommend(IReadOnlyList<ModeResult> results, double tolerance)
    {
        var best = results.OrderByDescending(r => r.Quality ?? -1).First();
        var bestQuality = best.Quality ?? -1;
        var cheaper = results
            .Where(r => r != best && (r.Quality ?? -1) >= bestQuality - tolerance && r.ProjectedMonthlyUsd is not null && best.ProjectedMonthlyUsd is not null && r.ProjectedMonthlyUsd < best.ProjectedMonthlyUsd)
            .OrderBy(r => r.ProjectedMonthlyUsd)
            .FirstOrDefault();
        return cheaper is null
            ? (best.Mode, string.Create(CultureInfo.InvariantCulture, $"highest measured quality ({bestQuality:0.000})"))
            : (cheaper.Mode, string.Create(CultureInfo.InvariantCulture, $"quality {cheaper.Quality:0.000} within {tolerance:0.00} of {best.Mode}'s {bestQuality:0.000}, and cheaper per month (${cheaper.ProjectedMonthlyUsd:0.##} vs ${best.ProjectedMonthlyUsd:0.##})"));
    }
}
