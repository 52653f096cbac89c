using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HybridAnswer.Planning;

namespace HybridAnswer.Cli;

/// <summary><c>costs --queries-per-day N</c>: the framework's monthly cost table for RAG, fine-tuned and hybrid, modelled or measured.</summary>
internal static class CostsCommand
{
    public static Command Create(TextWriter output)
    {
        var queries = NumberOption.Create("--queries-per-day", "Queries a day.", 0L, 1_000_000_000_000L, null, "-q");
        queries.Required = true;
        var days = NumberOption.Create("--days", "Days in a month, 1-31 (default: 30, as in the framework's table).", 1, 31, CostModel.Default.DaysPerMonth);
        var embedding = Price("--embedding-usd", "Embedding cost per query", CostModel.Default.EmbeddingUsdPerQuery);
        var search = Price("--search-usd", "Vector search cost per query", CostModel.Default.SearchUsdPerQuery);
        var baseGeneration = Price("--base-usd", "Base-model generation cost per query", CostModel.Default.BaseGenerationUsdPerQuery);
        var fineTuned = Price("--finetuned-usd", "Fine-tuned generation cost per query", CostModel.Default.FineTunedGenerationUsdPerQuery);
        var training = Price("--training-usd", "Training cost per month", CostModel.Default.TrainingUsdPerMonth);
        var measured = new Option<FileInfo?>("--measured")
        {
            Description = "Project from measured answers instead: a file of 'ask --json' outputs (concatenated objects, JSONL or an array); each mode's mean costUsd replaces the modelled per-query cost.",
        };
        var json = CommonOptions.Json();

        var command = new Command("costs", "Monthly cost of RAG, fine-tuned and hybrid answering at a query volume (the decision framework's table).")
        {
            queries, days, embedding, search, baseGeneration, fineTuned, training, measured, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var model = new CostModel
            {
                DaysPerMonth = parse.GetValue(days),
                EmbeddingUsdPerQuery = parse.GetValue(embedding),
                SearchUsdPerQuery = parse.GetValue(search),
                BaseGenerationUsdPerQuery = parse.GetValue(baseGeneration),
                FineTunedGenerationUsdPerQuery = parse.GetValue(fineTuned),
                TrainingUsdPerMonth = parse.GetValue(training),
            };
            var perDay = parse.GetValue(queries);
            IReadOnlyList<CostProjection> projections;
            var source = "model";
            if (parse.GetValue(measured) is { } file)
            {
                var answers = await ReadAnswersAsync(file, cancellationToken).ConfigureAwait(false);
                projections = model.ProjectMeasured(answers, perDay);
                source = "measured";
                if (projections.Count == 0)
                {
                    throw new InvalidDataException($"{file.Name}: no answer has a cost (costUsd); nothing to project.");
                }
            }
            else
            {
                projections = model.Project(perDay);
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(new
                {
                    queriesPerDay = perDay,
                    days = model.DaysPerMonth,
                    source,
                    projections = projections.Select(p => new
                    {
                        mode = p.Mode.ToString(),
                        perQueryUsd = p.UsdPerQuery,
                        queriesPerMonth = p.QueriesPerDay * p.DaysPerMonth,
                        queriesUsd = Math.Round(p.QueriesUsdPerMonth, 2),
                        trainingUsd = Math.Round(p.TrainingUsdPerMonth, 2),
                        monthlyUsd = Math.Round(p.TotalUsdPerMonth, 2),
                        measuredAnswers = p.MeasuredAnswers,
                    }),
                })).ConfigureAwait(false);
            }
            else
            {
                await WriteTableAsync(output, projections, perDay, model.DaysPerMonth, source).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task WriteTableAsync(TextWriter output, IReadOnlyList<CostProjection> projections, long perDay, int days, string source)
    {
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(c, $"Monthly cost at {perDay:N0} queries/day ({days}-day month, {(source == "model" ? "modelled" : "measured")}):")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c, $"{"Mode",-10} {"Per query",12} {"Queries/month",14} {"Queries",12} {"Training",10} {"Monthly",12}")).ConfigureAwait(false);
        foreach (var p in projections)
        {
            var mode = p.MeasuredAnswers is { } n ? $"{p.Mode} (n={n})" : p.Mode.ToString();
            await output.WriteLineAsync(string.Create(c,
                $"{mode,-10} {"$" + p.UsdPerQuery.ToString("0.000000", c),12} {p.QueriesPerDay * p.DaysPerMonth,14:N0} {"$" + p.QueriesUsdPerMonth.ToString("N2", c),12} {"$" + p.TrainingUsdPerMonth.ToString("N2", c),10} {"$" + p.TotalUsdPerMonth.ToString("N2", c),12}")).ConfigureAwait(false);
        }

        if (projections.Count > 1)
        {
            var cheapest = projections.MinBy(p => p.TotalUsdPerMonth)!;
            foreach (var p in projections.Where(p => p != cheapest))
            {
                await output.WriteLineAsync(string.Create(c, $"{p.Mode} costs ${p.TotalUsdPerMonth - cheapest.TotalUsdPerMonth:N2} a month more than {cheapest.Mode} ({(cheapest.TotalUsdPerMonth == 0 ? 0 : (p.TotalUsdPerMonth / cheapest.TotalUsdPerMonth) - 1):P0}).")).ConfigureAwait(false);
            }
        }
    }

    private static Option<decimal> Price(string name, string what, decimal fallback) =>
        NumberOption.Create(name, string.Create(CultureInfo.InvariantCulture, $"{what}, US dollars (default: {fallback})."), 0m, 1_000_000_000m, fallback);

    /// <summary>Reads answers printed by <c>ask --json</c>: concatenated JSON objects (or JSONL, or one array) with mode, answered and costUsd.</summary>
    internal static async Task<List<Answer>> ReadAnswersAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliUsageException($"--measured: the file '{file.FullName}' does not exist.");
        }

        var answers = new List<Answer>();
        var stream = file.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                await foreach (var value in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, topLevelValues: true, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        answers.AddRange(value.EnumerateArray().Select(e => ToAnswer(e, file)));
                    }
                    else
                    {
                        answers.Add(ToAnswer(value, file));
                    }
                }
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file.Name}: not valid JSON ({e.Message}).", e);
            }
        }

        return answers;
    }

    private static Answer ToAnswer(JsonElement element, FileInfo file)
    {
        if (element.ValueKind != JsonValueKind.Object ||
            !element.TryGetProperty("mode", out var modeElement) || modeElement.ValueKind != JsonValueKind.String ||
            !Enum.TryParse<AnswerMode>(modeElement.GetString(), ignoreCase: true, out var mode))
        {
            throw new InvalidDataException($"{file.Name}: every answer needs a 'mode' of Rag, FineTuned or Hybrid (as 'ask --json' prints).");
        }

        decimal? cost = element.TryGetProperty("costUsd", out var costElement) && costElement.ValueKind == JsonValueKind.Number ? costElement.GetDecimal() : null;
        var answered = !element.TryGetProperty("answered", out var answeredElement) || answeredElement.ValueKind != JsonValueKind.False;
        var text = element.TryGetProperty("answer", out var textElement) && textElement.ValueKind == JsonValueKind.String ? textElement.GetString()! : string.Empty;
        return new Answer { Text = text, Answered = answered, Mode = mode, CostUsd = cost, Timings = new AnswerTimings() };
    }
}
