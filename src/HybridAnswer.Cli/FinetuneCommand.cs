using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HybridAnswer.FineTuning;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>finetune validate FILE</c>: check a chat fine-tuning JSONL file (exit 1 when it has errors);
/// <c>finetune export INPUT --output FILE</c>: turn approved question/answer records into training JSONL.
/// </summary>
internal static class FinetuneCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("finetune", "Validate and build fine-tuning data (OpenAI chat JSONL); submit, follow and cancel fine-tuning jobs.");
        command.Subcommands.Add(CreateValidate(output));
        command.Subcommands.Add(CreateExport(output));
        command.Subcommands.Add(FinetuneJobCommands.CreateSubmit(output));
        command.Subcommands.Add(FinetuneJobCommands.CreateStatus(output, cancel: false));
        command.Subcommands.Add(FinetuneJobCommands.CreateStatus(output, cancel: true));
        return command;
    }

    private static Command CreateValidate(TextWriter output)
    {
        var file = new Argument<FileInfo>("file") { Description = "The JSONL file: one {\"messages\": [...]} example per line." };
        var model = new Option<FineTuningModel>("--model")
        {
            Description = $"The model to fine-tune, for its token limit and price: {string.Join(", ", FineTuningModels.All.Select(m => m.Id))} (default: {FineTuningModels.Default.Id}).",
            DefaultValueFactory = _ => FineTuningModels.Default,
            CustomParser = r =>
            {
                var id = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
                if (FineTuningModels.TryFind(id, out var found))
                {
                    return found;
                }

                r.AddError($"--model '{id}' is not a known fine-tunable model; use one of {string.Join(", ", FineTuningModels.All.Select(m => m.Id))}.");
                return null;
            },
        };
        var knowledge = new Option<DirectoryInfo?>("--knowledge") { Description = "Folder of knowledge-base documents: warn when answers state facts from them (knowledge baked into weights goes stale)." };
        var epochs = NumberOption.CreateOptional("--epochs", "Epochs for the cost estimate, 1-50 (default: the service's automatic choice).", 1, 50);
        var fraction = ValidationFraction(0.1);
        var json = CommonOptions.Json();

        var command = new Command("validate", "Check a fine-tuning file: format, roles, weights, tokens, size, duplicates, split, cost, knowledge leakage.") { file, model, knowledge, epochs, fraction, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliUsageException($"the file '{path.FullName}' does not exist.");
            }

            KnowledgeLeakageDetector? detector = null;
            if (parse.GetValue(knowledge) is { } folder)
            {
                var documents = await LoadKnowledgeAsync(folder, cancellationToken).ConfigureAwait(false);
                detector = new KnowledgeLeakageDetector(documents);
            }

            var options = new FineTuningValidationOptions
            {
                Model = parse.GetValue(model) ?? FineTuningModels.Default,
                Epochs = parse.GetValue(epochs),
                ValidationFraction = parse.GetValue(fraction),
                LeakageDetector = detector,
            };
            var report = await new FineTuningValidator(options).ValidateFileAsync(path.FullName, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(ToJson(path.Name, report))).ConfigureAwait(false);
            }
            else
            {
                await WriteReportAsync(output, path.Name, report).ConfigureAwait(false);
            }

            return report.IsValid ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static Command CreateExport(TextWriter output)
    {
        var input = new Argument<FileInfo>("input")
        {
            Description = "JSONL of reviewed answers, one per line: {\"question\": \"...\", \"answer\": \"...\", \"approved\": true, \"answered\": true}. " +
                          "Only answered, approved records become examples; refusals never do.",
        };
        var outputFile = new Option<FileInfo>("--output", "-o") { Description = "The training JSONL to write.", Required = true };
        var validationOutput = new Option<FileInfo?>("--validation-output") { Description = "Also hold out a validation split and write it here." };
        var fraction = ValidationFraction(0.1);
        var systemPrompt = new Option<string?>("--system-prompt") { Description = "The system prompt of every example: the one the fine-tuned model will run with." };
        var keepCitations = new Option<bool>("--keep-citations") { Description = "Keep [n] citation markers (for hybrid models that answer with sources in the prompt)." };
        var json = CommonOptions.Json();

        var command = new Command("export", "Turn approved question/answer records into fine-tuning JSONL (chat format, with a system prompt).")
        {
            input, outputFile, validationOutput, fraction, systemPrompt, keepCitations, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetValue(input)!;
            if (!source.Exists)
            {
                throw new CliUsageException($"the file '{source.FullName}' does not exist.");
            }

            var prompt = parse.GetValue(systemPrompt);
            if (prompt is not null && string.IsNullOrWhiteSpace(prompt))
            {
                throw new CliUsageException("--system-prompt must not be empty.");
            }

            var records = await ReadReviewedAnswersAsync(source, cancellationToken).ConfigureAwait(false);
            var harvester = new TrainingDataHarvester(new TrainingDataHarvestOptions
            {
                SystemPrompt = prompt ?? TrainingDataHarvestOptions.DefaultSystemPrompt,
                RemoveCitationMarkers = !parse.GetValue(keepCitations),
            });
            var result = harvester.Harvest(records);

            IReadOnlyList<TrainingExample> training = result.Examples;
            IReadOnlyList<TrainingExample> validation = [];
            var validationPath = parse.GetValue(validationOutput);
            if (validationPath is not null)
            {
                var split = TrainingDataSplit.Create(result.Examples, parse.GetValue(fraction));
                (training, validation) = (split.Training, split.Validation);
                await TrainingJsonl.WriteFileAsync(validationPath.FullName, validation, cancellationToken).ConfigureAwait(false);
            }

            var target = parse.GetValue(outputFile)!;
            await TrainingJsonl.WriteFileAsync(target.FullName, training, cancellationToken).ConfigureAwait(false);

            var skipped = result.Skipped.GroupBy(s => s.Reason).OrderBy(g => g.Key).ToDictionary(g => JsonNamingPolicy.CamelCase.ConvertName(g.Key.ToString()), g => g.Count());
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(new
                {
                    input = source.Name,
                    records = records.Count,
                    training = new { path = target.FullName, examples = training.Count },
                    validation = validationPath is null ? null : new { path = validationPath.FullName, examples = validation.Count },
                    skipped,
                })).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Read {records.Count} record(s) from {source.Name}.")).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Wrote {training.Count} training example(s) to {target.FullName}.")).ConfigureAwait(false);
                if (validationPath is not null)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Wrote {validation.Count} validation example(s) to {validationPath.FullName}.")).ConfigureAwait(false);
                }

                await output.WriteLineAsync(skipped.Count == 0
                    ? "Skipped none."
                    : "Skipped: " + string.Join(", ", skipped.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value} {s.Key}")))).ConfigureAwait(false);
                if (result.Examples.Count < FineTuningValidationOptions.DefaultRecommendedExamples)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"Note: {result.Examples.Count} example(s); fine-tuning works well from about {FineTuningValidationOptions.DefaultRecommendedExamples}.")).ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Reads reviewed answers: one JSON object per line with question, answer, approved and optional answered (default true).</summary>
    internal static async Task<List<ReviewedAnswer>> ReadReviewedAnswersAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var records = new List<ReviewedAnswer>();
        using var reader = file.OpenText();
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{file.Name} line {lineNumber}: expected a JSON object with question, answer and approved.");
                }

                records.Add(new ReviewedAnswer
                {
                    Question = RequiredString(root, "question", file, lineNumber),
                    Answer = RequiredString(root, "answer", file, lineNumber),
                    Approved = OptionalBool(root, "approved", false, file, lineNumber),
                    Answered = OptionalBool(root, "answered", true, file, lineNumber),
                });
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file.Name} line {lineNumber}: not valid JSON ({e.Message.Split(" LineNumber", 2)[0].TrimEnd('.', ' ')}).", e);
            }
        }

        return records;
    }

    private static string RequiredString(JsonElement root, string name, FileInfo file, int line) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"{file.Name} line {line}: '{name}' must be a string.");

    private static bool OptionalBool(JsonElement root, string name, bool fallback, FileInfo file, int line)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidDataException($"{file.Name} line {line}: '{name}' must be true or false."),
        };
    }

    private static Option<double> ValidationFraction(double fallback) =>
        NumberOption.Create("--validation-fraction", string.Create(CultureInfo.InvariantCulture, $"Share of examples held out for validation, 0-0.5 (default: {fallback})."), 0.0, 0.5, fallback);

    internal static async Task<IReadOnlyList<KnowledgeDocument>> LoadKnowledgeAsync(DirectoryInfo folder, CancellationToken cancellationToken)
    {
        if (!folder.Exists)
        {
            throw new CliUsageException($"--knowledge: the folder '{folder.FullName}' does not exist.");
        }

        var documents = await KnowledgeDocumentLoader.LoadDirectoryAsync(folder.FullName, cancellationToken: cancellationToken).ConfigureAwait(false);
        return documents.Count > 0 ? documents : throw new CliUsageException($"--knowledge: the folder '{folder.FullName}' has no *.md or *.txt files.");
    }

    private static object ToJson(string file, FineTuningValidationReport report) => new
    {
        file,
        valid = report.IsValid,
        model = report.Model.Id,
        lines = report.LineCount,
        examples = report.ExampleCount,
        errors = report.ErrorCount,
        warnings = report.WarningCount,
        issues = report.Issues.Select(i => new { line = i.Line, severity = i.Severity == FineTuningIssueSeverity.Error ? "error" : "warning", code = i.Code, message = i.Message }),
        split = new { training = report.TrainingExampleCount, validation = report.ValidationExampleCount },
        tokens = new
        {
            encoding = report.TokenEncoding,
            total = report.TotalTokens,
            maxPerExample = report.MaxExampleTokens,
            limitPerExample = report.Model.MaxTokensPerExample,
            trainingPerEpoch = report.TrainingTokensPerEpoch,
            epochs = report.Epochs,
            estimatedTrainingTokens = report.EstimatedTrainingTokens,
        },
        estimatedCostUsd = Math.Round(report.EstimatedCostUsd, 4),
    };

    private static async Task WriteReportAsync(TextWriter output, string file, FineTuningValidationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(c, $"{file}: {report.LineCount} line(s), {report.ExampleCount} well-formed example(s), model {report.Model.Id}")).ConfigureAwait(false);
        foreach (var issue in report.Issues)
        {
            await output.WriteLineAsync("  " + issue).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(c, $"Split: {report.TrainingExampleCount} training / {report.ValidationExampleCount} validation")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c,
            $"Tokens ({report.TokenEncoding}): {report.TotalTokens:N0} in all, longest example {report.MaxExampleTokens:N0} (limit {report.Model.MaxTokensPerExample:N0}); {report.TrainingTokensPerEpoch:N0} per epoch × {report.Epochs} epoch(s) = {report.EstimatedTrainingTokens:N0} trained tokens")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c, $"Estimated training cost: ${report.EstimatedCostUsd:N2} (at ${report.Model.TrainingUsdPerMillionTokens:N2} per 1M tokens)")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c,
            $"{(report.IsValid ? "VALID" : "INVALID")}: {report.ErrorCount} error(s), {report.WarningCount} warning(s)")).ConfigureAwait(false);
    }
}
