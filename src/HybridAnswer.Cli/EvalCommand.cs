using System.CommandLine;
using System.Globalization;
using System.Text;
using HybridAnswer.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>eval --questions FILE.jsonl</c>: run an evaluation set against a knowledge base and print retrieval quality
/// (hit@1, recall@k, MRR, nDCG@10), refusal precision and recall, the answer-contains rate and latency, as a table or JSON.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter output, TimeProvider? time = null)
    {
        var questions = new Option<FileInfo>("--questions")
        {
            Description = "JSON Lines file of questions: {\"question\", \"expectedDocuments\", \"expectedAnswerContains\"} or {\"question\", \"unanswerable\": true}.",
            Required = true,
        };
        var knowledge = new KnowledgeSourceOptions(time);
        var models = new ModelOptions();
        var embedder = new EmbedderOptions();
        var logging = new LoggingOptions();
        var thresholds = new AnsweringThresholdOptions();
        var filter = CommonOptions.Filter();
        var topK = CommonOptions.TopK();
        var json = CommonOptions.Json();
        var details = new Option<bool>("--details") { Description = "Also list every question with its rank, answer outcome and latency (text output)." };
        var calibrate = new Option<bool>("--calibrate")
        {
            Description = "Recommend MinScore and the extractive support threshold from the answerable and unanswerable questions (prints the refusal curves and the chosen point).",
        };

        var command = new Command("eval", "Measure retrieval and answer quality on a question set: hit@1, recall@k, MRR, nDCG@10, refusals, answer-contains rate, latency.")
        {
            questions, filter, topK, json, details, calibrate,
        };
        knowledge.AddTo(command);
        models.AddTo(command);
        embedder.AddTo(command);
        logging.AddTo(command);
        thresholds.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(questions)!;
            if (!file.Exists)
            {
                throw new CliUsageException($"--questions: the file '{file.FullName}' does not exist.");
            }

            var set = await EvaluationQuestionReader.ReadFileAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            if (set.Count == 0)
            {
                throw new CliUsageException($"--questions: the file '{file.FullName}' has no questions.");
            }

            var services = new ServiceCollection();
            logging.Register(services, parse);
            var builder = services.AddHybridAnswering();
            KnowledgeSourceOptions.Register(builder, parse);
            models.Register(builder, parse);
            embedder.Register(builder, parse);
            thresholds.Register(builder, parse);

            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            var done = await knowledge.PrepareAsync(provider, parse, cancellationToken).ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.Partial;
            // The ranking through the answerer's pipeline (the decorators a host adds with UseRetriever), not the bare knowledge base.
            var evaluator = new Evaluator(provider.GetRequiredService<HybridAnswerer>());
            var options = new EvaluationOptions
            {
                TopK = parse.GetValue(topK) ?? new EvaluationOptions().TopK,
                Filter = CommonOptions.ParseFilters(parse.GetValue(filter)),
            };
            if (parse.GetValue(calibrate))
            {
                if (!set.Any(q => q.Unanswerable) || set.All(q => q.Unanswerable))
                {
                    throw new CliUsageException("--calibrate needs both answerable and unanswerable questions (\"unanswerable\": true).");
                }

                var generator = provider.GetRequiredService<IGenerator>() as ExtractiveGenerator
                    ?? new ExtractiveGenerator(embedder: KnowledgeEmbedder(provider));
                // The knowledge base's own scores: the floor being calibrated applies directly around it, beneath any decorator.
                var calibration = await RefusalCalibrator.CalibrateAsync(set, provider.GetRequiredService<IRetriever>(), generator, options, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(parse.GetValue(json) ? CliJson.Serialize(calibration) : RefusalCalibrator.Format(calibration)).ConfigureAwait(false);
                return done;
            }

            var report = await evaluator.EvaluateAsync(set, options, cancellationToken).ConfigureAwait(false);

            var text = parse.GetValue(json) ? CliJson.Serialize(ToJson(report, file.Name, options)) : FormatTable(report, file.Name, options, parse.GetValue(details));
            await output.WriteLineAsync(text).ConfigureAwait(false);
            return done;
        });
        return command;
    }

    internal static string FormatTable(EvaluationReport report, string source, EvaluationOptions options, bool details)
    {
        var filter = options.Filter.Count == 0 ? "none" : string.Join(", ", options.Filter.Select(f => $"{f.Key}={f.Value}"));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{source}: {report.QuestionCount} questions ({report.AnswerableCount} answerable, {report.UnanswerableCount} unanswerable); top-k {report.TopK}; filter {filter}");
        text.AppendLine();
        var rows = new List<(string Metric, string Value, string Over)>
        {
            ("hit@1", Format(report.HitAt1), $"{report.AnswerableCount} answerable"),
            ($"recall@{report.TopK}", Format(report.RecallAtK), $"{report.AnswerableCount} answerable"),
            ("MRR", Format(report.MeanReciprocalRank), $"{report.AnswerableCount} answerable"),
            ("nDCG@10", Format(report.NdcgAt10), $"{report.AnswerableCount} answerable"),
            ("refusal precision", Format(report.RefusalPrecision), $"{report.Outcomes.Count(o => !o.Answered)} refusals"),
            ("refusal recall", Format(report.RefusalRecall), $"{report.UnanswerableCount} unanswerable"),
            ("answer contains", Format(report.AnswerContainsRate), $"{report.AnswerContainsCheckedCount} with a phrase"),
            ("answer latency p50", Milliseconds(report.AnswerLatencyP50), "all"),
            ("answer latency p95", Milliseconds(report.AnswerLatencyP95), "all"),
            ("retrieval latency p50", Milliseconds(report.RetrievalLatencyP50), "all"),
            ("retrieval latency p95", Milliseconds(report.RetrievalLatencyP95), "all"),
            ("refused by the floor alone", report.FloorRefusedAnswerableCount.ToString(CultureInfo.InvariantCulture), $"{report.AnswerableCount} answerable"),
        };
        foreach (var style in report.ByStyle)
        {
            rows.Add(($"{style.Style}: hit@1", Format(style.HitAt1), $"{style.AnswerableCount} {style.Style}"));
            rows.Add(($"{style.Style}: recall@{report.TopK}", Format(style.RecallAtK), $"{style.AnswerableCount} {style.Style}"));
            rows.Add(($"{style.Style}: answer contains", Format(style.AnswerContainsRate), $"{style.AnswerableCount} {style.Style}"));
            rows.Add(($"{style.Style}: refused", style.Refused.ToString(CultureInfo.InvariantCulture), $"{style.AnswerableCount} {style.Style}"));
        }

        foreach (var (miss, count) in report.Misses)
        {
            rows.Add(($"miss: {MissName(miss)}", count.ToString(CultureInfo.InvariantCulture), "questions"));
        }

        var width = rows.Max(r => r.Metric.Length);
        var valueWidth = rows.Max(r => r.Value.Length);
        text.AppendLine(CultureInfo.InvariantCulture, $"{"metric".PadRight(width)}  {"value".PadLeft(valueWidth)}  over");
        text.AppendLine(CultureInfo.InvariantCulture, $"{new string('-', width)}  {new string('-', valueWidth)}  {new string('-', 20)}");
        foreach (var (metric, value, over) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{metric.PadRight(width)}  {value.PadLeft(valueWidth)}  {over}");
        }

        if (details)
        {
            text.AppendLine();
            text.AppendLine("line  rank  outcome   contains  miss              ms       question");
            foreach (var o in report.Outcomes)
            {
                var rank = o.Question.Unanswerable ? "-" : o.FirstRelevantRank?.ToString(CultureInfo.InvariantCulture) ?? "miss";
                var outcome = o.Question.Unanswerable ? (o.Answered ? "ANSWERED" : "refused") : (o.Answered ? "answered" : "REFUSED");
                var contains = o.AnswerContainsExpected switch { true => "yes", false => "NO", null => "-" };
                text.AppendLine(CultureInfo.InvariantCulture, $"{o.Question.Line,4}  {rank,4}  {outcome,-8}  {contains,-8}  {(o.Miss == EvaluationMiss.None ? "-" : MissName(o.Miss)),-16}  {o.AnswerLatency.TotalMilliseconds,7:0.00}  {o.Question.Question}");
            }
        }

        return text.ToString().TrimEnd();
    }

    internal static object ToJson(EvaluationReport report, string source, EvaluationOptions options) => new Dictionary<string, object?>
    {
        ["questionsFile"] = source,
        ["filter"] = options.Filter,
        ["topK"] = report.TopK,
        ["questions"] = report.QuestionCount,
        ["answerable"] = report.AnswerableCount,
        ["unanswerable"] = report.UnanswerableCount,
        ["hitAt1"] = Round(report.HitAt1),
        ["recallAtK"] = Round(report.RecallAtK),
        ["mrr"] = Round(report.MeanReciprocalRank),
        ["ndcgAt10"] = Round(report.NdcgAt10),
        ["refusalPrecision"] = Round(report.RefusalPrecision),
        ["refusalRecall"] = Round(report.RefusalRecall),
        ["answerContainsRate"] = Round(report.AnswerContainsRate),
        ["answerContainsChecked"] = report.AnswerContainsCheckedCount,
        ["floorRefusedAnswerable"] = report.FloorRefusedAnswerableCount,
        ["misses"] = report.Misses.ToDictionary(m => MissName(m.Key), m => m.Value),
        ["byStyle"] = report.ByStyle.Select(s => new Dictionary<string, object?>
        {
            ["style"] = s.Style,
            ["answerable"] = s.AnswerableCount,
            ["hitAt1"] = Round(s.HitAt1),
            ["recallAtK"] = Round(s.RecallAtK),
            ["answerContainsRate"] = Round(s.AnswerContainsRate),
            ["refused"] = s.Refused,
        }).ToList(),
        ["latencyMs"] = new Dictionary<string, double>
        {
            ["answerP50"] = Math.Round(report.AnswerLatencyP50.TotalMilliseconds, 3),
            ["answerP95"] = Math.Round(report.AnswerLatencyP95.TotalMilliseconds, 3),
            ["retrievalP50"] = Math.Round(report.RetrievalLatencyP50.TotalMilliseconds, 3),
            ["retrievalP95"] = Math.Round(report.RetrievalLatencyP95.TotalMilliseconds, 3),
        },
        ["results"] = report.Outcomes.Select(o => new Dictionary<string, object?>
        {
            ["line"] = o.Question.Line,
            ["question"] = o.Question.Question,
            ["unanswerable"] = o.Question.Unanswerable,
            ["expectedDocuments"] = o.Question.ExpectedDocuments,
            ["rankedDocuments"] = o.RankedDocuments,
            ["firstRelevantRank"] = o.FirstRelevantRank,
            ["answered"] = o.Answered,
            ["answerContainsExpected"] = o.AnswerContainsExpected,
            ["style"] = o.Question.Style,
            ["miss"] = o.Miss == EvaluationMiss.None ? null : MissName(o.Miss),
            ["refusalReason"] = o.RefusalReason?.ToString(),
            ["answer"] = o.AnswerText,
            ["latencyMs"] = Math.Round(o.AnswerLatency.TotalMilliseconds, 3),
        }).ToList(),
    };

    private static string MissName(EvaluationMiss miss) => miss switch
    {
        EvaluationMiss.RetrievalMiss => "retrieval",
        EvaluationMiss.OverRefusal => "over-refusal",
        EvaluationMiss.WrongSentence => "wrong sentence",
        EvaluationMiss.AnsweredUnanswerable => "answered unanswerable",
        _ => "none",
    };

    private static string Format(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;

    /// <summary>The knowledge base's embedder (the one UseEmbeddingGenerator registered under its key; MiniLM for the CLI), not the
    /// unkeyed hashing fallback: the calibration's extractive generator supports sentences by meaning with it, as answers do.</summary>
    private static Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> KnowledgeEmbedder(IServiceProvider provider) =>
        provider.GetKeyedService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(HybridAnsweringServiceKeys.EmbeddingGenerator)
        ?? provider.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>();

    private static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString("0.00 'ms'", CultureInfo.InvariantCulture);
}
