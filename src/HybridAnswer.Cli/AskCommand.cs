using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary><c>ask QUESTION</c>: load a knowledge base, answer one question, print the answer, its sources and timings.</summary>
internal static class AskCommand
{
    public static Command Create(TextWriter output, TimeProvider? time = null)
    {
        var question = new Argument<string>("question") { Description = "The question to answer." };
        var knowledge = new KnowledgeSourceOptions(time);
        var models = new ModelOptions();
        var embedder = new EmbedderOptions();
        var logging = new LoggingOptions();
        var thresholds = new AnsweringThresholdOptions();
        var prices = new PriceOptions();
        var filter = CommonOptions.Filter();
        var topK = CommonOptions.TopK();
        var json = CommonOptions.Json();
        var stream = new Option<bool>("--stream") { Description = "Print the answer as it is generated (not with --json)." };

        var command = new Command("ask", "Answer a question from a knowledge base, with citations.") { question, filter, topK, json, stream };
        knowledge.AddTo(command);
        models.AddTo(command);
        embedder.AddTo(command);
        logging.AddTo(command);
        thresholds.AddTo(command);
        prices.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var services = new ServiceCollection();
            logging.Register(services, parse);
            var builder = services.AddHybridAnswering(o =>
            {
                if (parse.GetValue(topK) is { } k)
                {
                    o.TopK = k;
                }
            });
            KnowledgeSourceOptions.Register(builder, parse);
            models.Register(builder, parse);
            embedder.Register(builder, parse);
            thresholds.Register(builder, parse);
            await prices.RegisterAsync(builder, parse, cancellationToken).ConfigureAwait(false);

            if (parse.GetValue(stream) && parse.GetValue(json))
            {
                throw new CliUsageException("--stream and --json cannot be combined: JSON is printed once the answer is complete.");
            }

            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            // Resolve the answerer first: it starts loading the tokenizer while the knowledge base is prepared.
            var answerer = provider.GetRequiredService<HybridAnswerer>();
            var done = await knowledge.PrepareAsync(provider, parse, cancellationToken).ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.Partial;
            var askOptions = new AnswerOptions { Filter = CommonOptions.ParseFilters(parse.GetValue(filter)) };
            if (parse.GetValue(stream))
            {
                var streamed = await StreamAsync(output, answerer, parse.GetValue(question) ?? string.Empty, askOptions, cancellationToken).ConfigureAwait(false);
                await WarnAsync(parse, prices.UnknownCostWarning(parse, streamed)).ConfigureAwait(false);
                return done;
            }

            var answer = await answerer.AnswerAsync(parse.GetValue(question) ?? string.Empty, askOptions, cancellationToken).ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(AnswerJson.Serialize(answer)).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(output, answer, askOptions.Filter ?? new Dictionary<string, string>()).ConfigureAwait(false);
            }

            await WarnAsync(parse, prices.UnknownCostWarning(parse, answer)).ConfigureAwait(false);
            return done;
        });
        return command;
    }

    private static async Task WarnAsync(ParseResult parse, string? warning)
    {
        if (warning is not null)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(warning).ConfigureAwait(false);
        }
    }

    private static async Task<Answer> StreamAsync(TextWriter output, HybridAnswerer answerer, string question, AnswerOptions options, CancellationToken cancellationToken)
    {
        var printed = false;
        Answer? completed = null;

        // Print only what the finished answer keeps: a marker that cites no source is dropped there, so it is not shown here.
        var citations = new StreamedCitations(0);
        await foreach (var update in answerer.AnswerStreamingAsync(question, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.Sources is { } sources)
            {
                citations = new StreamedCitations(sources.Count);
            }

            if (update.Text.Length > 0 && citations.Push(update.Text) is { Length: > 0 } shown)
            {
                await output.WriteAsync(AnswerRenderer.ToPlainText(shown)).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                printed = true;
            }

            if (update.Completed is { } answer)
            {
                completed = answer;
                await output.WriteAsync(AnswerRenderer.ToPlainText(citations.Flush())).ConfigureAwait(false);
                if (!printed)
                {
                    // Refused before any text streamed (nothing relevant retrieved): print the refusal itself.
                    await output.WriteAsync(AnswerRenderer.ToPlainText(answer)).ConfigureAwait(false);
                }

                await output.WriteLineAsync().ConfigureAwait(false);
                await WriteDetailsAsync(output, answer, options.Filter ?? new Dictionary<string, string>()).ConfigureAwait(false);
            }
        }

        return completed ?? throw new InvalidOperationException("The answer stream ended without its final update.");
    }

    private static async Task WriteTextAsync(TextWriter output, Answer answer, IReadOnlyDictionary<string, string> filter)
    {
        // The answer is untrusted text (a model's reply): no terminal control sequence of it reaches the terminal.
        await output.WriteLineAsync(AnswerRenderer.ToPlainText(answer)).ConfigureAwait(false);
        await WriteDetailsAsync(output, answer, filter).ConfigureAwait(false);
    }

    private static async Task WriteDetailsAsync(TextWriter output, Answer answer, IReadOnlyDictionary<string, string> filter)
    {
        await output.WriteLineAsync().ConfigureAwait(false);
        if (answer.Citations.Count > 0)
        {
            await output.WriteLineAsync("Sources:").ConfigureAwait(false);
            foreach (var citation in answer.Citations)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  [{citation.Index}] {AnswerRenderer.ToPlainText(citation.Title)} ({AnswerRenderer.ToPlainText(citation.DocumentId)}, score {citation.Score:0.000})")).ConfigureAwait(false);
            }
        }
        else if (answer.NoAnswerReason == NoAnswerReason.FilterMatchedNothing)
        {
            // Not "the knowledge base has no answer": most often a typo in a key or a value.
            var shown = string.Join(" ", filter.Select(f => $"{f.Key}={f.Value}"));
            await output.WriteLineAsync($"(not answered: no document matches the filter {shown}; check its keys and values)").ConfigureAwait(false);
        }
        else if (!answer.Answered)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"(not answered: {answer.NoAnswerReason})")).ConfigureAwait(false);
        }

        if (answer.InvalidCitationMarkers.Count > 0)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"(dropped citation markers that point at no source: {string.Join(", ", answer.InvalidCitationMarkers.Select(n => $"[{n}]"))})")).ConfigureAwait(false);
        }

        if (answer.UsedFallback)
        {
            await output.WriteLineAsync("(the fine-tuned model failed; the base model answered)").ConfigureAwait(false);
        }

        var t = answer.Timings;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"mode {answer.Mode}, model {answer.ModelId ?? "none"}; retrieval {t.Retrieval.TotalMilliseconds:0.0} ms, generation {t.Generation.TotalMilliseconds:0.0} ms, total {t.Total.TotalMilliseconds:0.0} ms");
        if (answer.CostUsd is { } cost)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; cost ${cost:0.######}");
        }

        if (answer.Usage is { } usage)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; tokens {usage.InputTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} in{(usage.CachedInputTokens is { } cached ? $" ({cached} cached)" : string.Empty)}, {usage.OutputTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} out");
        }

        await output.WriteLineAsync(line).ConfigureAwait(false);
    }
}
