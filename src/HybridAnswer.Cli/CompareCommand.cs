using System.CommandLine;
using System.CommandLine.Parsing;
using HybridAnswer.Evaluation;
using HybridAnswer.Planning;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>compare --questions FILE</c>: the decision framework, measured — one question set through each mode (rag, finetuned,
/// hybrid) with the real models, side by side, with the projected monthly cost and both verdicts; <c>--baseline</c> gates a
/// new run against an earlier <c>--json</c> output.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter output, TimeProvider? time = null)
    {
        var questions = new Option<FileInfo>("--questions")
        {
            Description = "JSON Lines file of questions, the eval format: {\"question\", \"expectedDocuments\", \"expectedAnswerContains\"} or {\"question\", \"unanswerable\": true}; optionally \"referenceAnswer\" and \"format\" (pattern, minWords, maxWords, bullets, startsWith, endsWith) for voice and format agreement.",
            Required = true,
        };
        var modes = new Option<IReadOnlyList<AnswerMode>>("--modes")
        {
            Description = "Comma-separated modes to compare: rag, finetuned, hybrid (default: all three).",
            CustomParser = ParseModes,
        };
        var queriesPerDay = NumberOption.Create<long>("--queries-per-day", "Query volume for the monthly projection (default: 10000).", 0, 1_000_000_000_000, 10_000);
        var report = new Option<FileInfo?>("--report") { Description = "Also write a Markdown report (for a pull request) to this file." };
        var baseline = new Option<FileInfo?>("--baseline") { Description = "An earlier compare --json output: exit 4, naming metric and mode, when quality drops or cost rises past --max-drop." };
        var maxDrop = NumberOption.Create("--max-drop", "Allowed drop of a quality rate (absolute, 0-1) and rise of cost per answer (relative) against --baseline (default: 0.05).", 0.0, 1.0, ComparisonGate.DefaultMaxDrop);
        var knowledge = new KnowledgeSourceOptions(time);
        var models = new ModelOptions();
        var prices = new PriceOptions();
        var embedder = new EmbedderOptions();
        var logging = new LoggingOptions();
        var thresholds = new AnsweringThresholdOptions();
        var checklist = new ChecklistOptions();
        var filter = CommonOptions.Filter();
        var topK = CommonOptions.TopK();
        var json = CommonOptions.Json();

        var command = new Command("compare", "Measure rag, finetuned and hybrid side by side on your questions: facts, citations, groundedness, refusals, latency, cost; the measured verdict beside the checklist's.")
        {
            questions, modes, queriesPerDay, report, baseline, maxDrop, filter, topK, json,
        };
        knowledge.AddTo(command);
        models.AddTo(command, withMode: false);
        prices.AddTo(command);
        embedder.AddTo(command);
        logging.AddTo(command);
        thresholds.AddTo(command);
        checklist.AddTo(command);
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

            var chosen = parse.GetValue(modes) ?? CostModel.Modes;
            if (chosen.Any(m => m != AnswerMode.Rag) && models.HasEndpoint(parse) && !models.HasFineTunedModel(parse))
            {
                throw new CliUsageException("--modes finetuned and hybrid need --fine-tuned-model (or --modes rag).");
            }

            ModeComparison? before = null;
            if (parse.GetValue(baseline) is { } baselineFile)
            {
                before = await ReadBaselineAsync(baselineFile, cancellationToken).ConfigureAwait(false);
            }

            var services = new ServiceCollection();
            logging.Register(services, parse);
            var builder = services.AddHybridAnswering();
            KnowledgeSourceOptions.Register(builder, parse);
            models.Register(builder, parse);
            if (!models.HasEndpoint(parse))
            {
                // Offline, the extractive generator stands in for both models, so the command (and its report) runs anywhere.
                builder.Services.Configure<HybridAnsweringOptions>(o => o.FineTunedModel ??= ExtractiveGenerator.ModelId);
            }

            await prices.RegisterAsync(builder, parse, cancellationToken).ConfigureAwait(false);
            embedder.Register(builder, parse);
            thresholds.Register(builder, parse);

            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            var complete = await knowledge.PrepareAsync(provider, parse, cancellationToken).ConfigureAwait(false);
            var comparison = await new ModeComparer(provider.GetRequiredService<HybridAnswerer>()).CompareAsync(set, new ModeComparisonOptions
            {
                Modes = chosen,
                TopK = parse.GetValue(topK),
                Filter = CommonOptions.ParseFilters(parse.GetValue(filter)),
                QueriesPerDay = parse.GetValue(queriesPerDay),
                Checklist = checklist.Get(parse),
            }, cancellationToken).ConfigureAwait(false);

            var violations = before is null ? [] : ComparisonGate.Check(before, comparison, parse.GetValue(maxDrop));
            await output.WriteLineAsync(parse.GetValue(json) ? ModeComparisonJson.Serialize(comparison) : CompareReport.Table(comparison, file.Name)).ConfigureAwait(false);
            if (parse.GetValue(report) is { } reportFile)
            {
                await File.WriteAllTextAsync(reportFile.FullName, CompareReport.Markdown(comparison, file.Name, before is null ? null : violations), cancellationToken).ConfigureAwait(false);
            }

            var error = parse.InvocationConfiguration.Error;
            foreach (var violation in violations)
            {
                await error.WriteLineAsync("regression: " + violation.Message).ConfigureAwait(false);
            }

            return violations.Count > 0 ? ExitCodes.Regression : complete ? ExitCodes.Success : ExitCodes.Partial;
        });
        return command;
    }

    private static async Task<ModeComparison> ReadBaselineAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliUsageException($"--baseline: the file '{file.FullName}' does not exist.");
        }

        try
        {
            return ModeComparisonJson.Deserialize(await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false));
        }
        catch (FormatException e)
        {
            throw new CliUsageException($"--baseline '{file.FullName}': {e.Message}");
        }
    }

    private static IReadOnlyList<AnswerMode>? ParseModes(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        var modes = new List<AnswerMode>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (ModeComparisonJson.ParseMode(name) is not { } mode)
            {
                result.AddError($"--modes: '{name}' is not a mode; use rag, finetuned, hybrid (comma-separated).");
                return null;
            }

            if (!modes.Contains(mode))
            {
                modes.Add(mode);
            }
        }

        if (modes.Count == 0)
        {
            result.AddError("--modes is empty; use rag, finetuned, hybrid (comma-separated).");
            return null;
        }

        return modes;
    }
}
