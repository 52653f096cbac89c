using System.Globalization;
using System.Text;
using HybridAnswer.DecisionFramework;

namespace HybridAnswer.Evaluation;

/// <summary>
/// Recommends the two refusal thresholds from a question set with answerable and unanswerable questions: the relevance floor
/// (<see cref="HybridAnsweringOptions.MinScore"/>, on the best retrieved chunk's score) and then, among the questions that pass
/// it, the extractive generator's support threshold (the best sentence's similarity with a semantic embedder, the best
/// source's word coverage otherwise). The floor is the highest that refuses no answerable question of the set (midway to the
/// next lower observed score): with a chat model the model decides after the floor, so the floor alone must not turn
/// answerable questions away, and near-domain questions score as high as answerable ones anyway. The support threshold
/// maximises refusal recall minus the share of answerable questions refused (Youden's J), ties broken towards refusing fewer
/// answerable questions, midway to the next lower observed value; a question the generator declines whatever the thresholds
/// (<see cref="ExtractiveSupport.DeclinedByContent"/>: a figure asked and not stated, a name no source mentions) counts as
/// refused at every threshold, so the threshold is not raised to refuse what is refused already. With few unanswerable
/// questions the curve is coarse: write 20 or more.
/// </summary>
public static class RefusalCalibrator
{
    private const string SentenceSimilarity = "sentence similarity";
    private const string QuestionCoverage = "question coverage";

    /// <summary>Retrieves for every question, measures the extractive generator's support, and chooses both thresholds.</summary>
    /// <param name="questions">Answerable and unanswerable questions (<see cref="EvaluationQuestion.Unanswerable"/>).</param>
    /// <param name="retriever">The retriever whose scores the relevance floor applies to (asked with no floor).</param>
    /// <param name="generator">The extractive generator whose support threshold is calibrated.</param>
    /// <param name="options">Top-K, filter and tenant of the retrieval.</param>
    /// <param name="cancellationToken">Cancels retrieval and embedding.</param>
    /// <returns>The recommended thresholds and the curves they were chosen on.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range (the message names its key).</exception>
    public static async Task<RefusalCalibration> CalibrateAsync(
        IReadOnlyList<EvaluationQuestion> questions, IRetriever retriever, ExtractiveGenerator generator, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(EvaluationOptionsValidator.Instance, options);
        var samples = new List<(bool Unanswerable, double TopScore, double Support, bool Declined)>();
        foreach (var question in questions)
        {
            var chunks = await retriever.RetrieveAsync(
                new RetrievalRequest(question.Question) { TopK = options.TopK, Filter = options.Filter, TenantId = options.TenantId, MinScore = -1 },
                cancellationToken).ConfigureAwait(false);
            var top = chunks.Count == 0 ? -1 : chunks.Max(c => c.Score);
            var measured = await generator.MeasureSupportAsync(
                new GenerationRequest { Question = question.Question, Mode = AnswerMode.Rag, Sources = chunks, NoAnswerText = HybridAnsweringOptions.DefaultNoAnswerText },
                cancellationToken).ConfigureAwait(false);
            var value = measured is { } s ? (generator.UsesEmbeddings ? s.Similarity : s.Coverage) : -1;
            samples.Add((question.Unanswerable, top, value, measured is null || measured.DeclinedByContent));
        }

        var scoreCurve = Curve(samples.Select(s => (s.Unanswerable, s.TopScore)).ToList());
        var minScore = ChooseFloor(scoreCurve);
        var passing = samples.Where(s => s.TopScore >= minScore).Select(s => (s.Unanswerable, s.Support, s.Declined)).ToList();
        var supportCurve = DeclinedCurve(passing);
        var supportThreshold = Choose(supportCurve);
        return new RefusalCalibration
        {
            Samples = samples.Count,
            Unanswerable = samples.Count(s => s.Unanswerable),
            MinScore = minScore,
            MinScoreCurve = scoreCurve,
            SupportThreshold = supportThreshold,
            SupportCurve = supportCurve,
            SupportKind = generator.UsesEmbeddings ? SentenceSimilarity : QuestionCoverage,
        };
    }

    /// <summary>One point per distinct observed value (refuse below it), plus "refuse nothing".</summary>
    internal static IReadOnlyList<CalibrationPoint> Curve(IReadOnlyList<(bool Unanswerable, double Value)> samples) =>
        DeclinedCurve([.. samples.Select(s => (s.Unanswerable, s.Value, false))]);

    /// <summary>One point per distinct observed value (refuse below it, and a declined sample at every threshold), plus "refuse nothing".</summary>
    internal static IReadOnlyList<CalibrationPoint> DeclinedCurve(IReadOnlyList<(bool Unanswerable, double Value, bool Declined)> samples)
    {
        var unanswerable = samples.Count(s => s.Unanswerable);
        var answerable = samples.Count - unanswerable;
        var values = samples.Select(s => s.Value).Distinct().Order().ToList();
        var points = new List<CalibrationPoint>();
        for (var i = 0; i < values.Count; i++)
        {
            var threshold = i == 0 ? values[0] : (values[i - 1] + values[i]) / 2;
            var refusedUnanswerable = samples.Count(s => s.Unanswerable && (s.Declined || s.Value < threshold));
            var refusedAnswerable = samples.Count(s => !s.Unanswerable && (s.Declined || s.Value < threshold));
            points.Add(new CalibrationPoint
            {
                Threshold = Math.Round(threshold, 4),
                RefusalRecall = unanswerable == 0 ? 0 : (double)refusedUnanswerable / unanswerable,
                AnswerableRefused = answerable == 0 ? 0 : (double)refusedAnswerable / answerable,
                RefusalPrecision = refusedUnanswerable + refusedAnswerable == 0 ? null : (double)refusedUnanswerable / (refusedUnanswerable + refusedAnswerable),
            });
        }

        if (values.Count > 0)
        {
            // Refusing everything at or below the highest value too.
            var above = values[^1] + 0.01;
            points.Add(new CalibrationPoint
            {
                Threshold = Math.Round(above, 4),
                RefusalRecall = unanswerable == 0 ? 0 : 1,
                AnswerableRefused = answerable == 0 ? 0 : 1,
                RefusalPrecision = samples.Count == 0 ? null : (double)unanswerable / samples.Count,
            });
        }

        return points;
    }

    /// <summary>The highest threshold that refuses no answerable question (Youden's J when the set has no answerable question).</summary>
    internal static double ChooseFloor(IReadOnlyList<CalibrationPoint> curve) =>
        curve.Any(p => p.AnswerableRefused > 0) ? curve.Where(p => p.AnswerableRefused == 0).Select(p => p.Threshold).DefaultIfEmpty(0).Max() : Choose(curve);

    internal static double Choose(IReadOnlyList<CalibrationPoint> curve) =>
        curve.Count == 0 ? 0 : curve.OrderByDescending(p => Math.Round(p.RefusalRecall - p.AnswerableRefused, 9)).ThenBy(p => p.AnswerableRefused).ThenBy(p => p.Threshold).First().Threshold;

    /// <summary>Formats a calibration as the curves, the chosen thresholds and the options that apply them.</summary>
    /// <param name="calibration">The calibration to format.</param>
    /// <returns>Plain text for a terminal.</returns>
    public static string Format(RefusalCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"calibration on {calibration.Samples} questions ({calibration.Unanswerable} unanswerable)");
        Table(text, "MinScore (best chunk's score; chosen: the highest that refuses no answerable question)", calibration.MinScoreCurve, calibration.MinScore);
        Table(text, $"extractive support threshold ({calibration.SupportKind}), questions passing MinScore; a question declined by what its support says is refused at every threshold", calibration.SupportCurve, calibration.SupportThreshold);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"recommended: MinScore {calibration.MinScore:0.000}, support threshold {calibration.SupportThreshold:0.000} ({calibration.SupportKind})");
        var (flag, key) = calibration.SupportKind == SentenceSimilarity
            ? ("--min-similarity", nameof(ExtractiveGeneratorOptions.MinSentenceSimilarity))
            : ("--min-coverage", nameof(ExtractiveGeneratorOptions.MinQuestionCoverage));
        text.AppendLine(CultureInfo.InvariantCulture, $"try it: --min-score {calibration.MinScore:0.000} {flag} {calibration.SupportThreshold:0.000}");
        text.AppendLine(CultureInfo.InvariantCulture, $"configure it: {HybridAnsweringOptions.SectionName}:{nameof(HybridAnsweringOptions.MinScore)} = {calibration.MinScore:0.000}, {HybridAnsweringOptions.SectionName}:Extractive:{key} = {calibration.SupportThreshold:0.000}");
        return text.ToString().TrimEnd();
    }

    private static void Table(StringBuilder text, string title, IReadOnlyList<CalibrationPoint> curve, double chosen)
    {
        text.AppendLine();
        text.AppendLine(title);
        text.AppendLine("threshold  refusal recall  answerable refused  refusal precision");
        foreach (var p in curve)
        {
            var precision = p.RefusalPrecision is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
            text.AppendLine(CultureInfo.InvariantCulture, $"{p.Threshold,9:0.000}  {p.RefusalRecall,14:0.000}  {p.AnswerableRefused,18:0.000}  {precision,17}{(p.Threshold == chosen ? "  <- chosen" : string.Empty)}");
        }
    }
}
