using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Nodes;
using HybridAnswer.Evaluation;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>finetune submit --wait --compare QUESTIONS</c>: when the job succeeds, the comparison of the base model (<c>rag</c>) with the
/// new fine-tuned model (<c>finetuned</c>, <c>hybrid</c>) on the user's questions, over the same endpoint, with <c>--knowledge</c>
/// as the knowledge base. It runs the <c>compare</c> command itself (the options below are handed on as given), so the two
/// cannot drift apart; everything it needs is checked before anything is uploaded, so a typo does not surface after training.
/// </summary>
internal sealed class FinetuneCompare
{
    // The compare options submit takes and hands on unchanged (PriceOptions and EmbedderOptions validate them at parse time).
    private static readonly string[] Forwarded = [PriceOptions.PriceOptionName, PriceOptions.PricesOptionName, "--embedder", "--no-embedding-cache", "--report"];

    private readonly Option<FileInfo?> _questions = new("--compare")
    {
        Description = "With --wait: when the job succeeds, compare the base model (rag) with the fine-tuned model (finetuned, hybrid) on these questions (the compare format), --knowledge as the knowledge base.",
    };

    private readonly Option<FileInfo?> _report = new("--report") { Description = "With --compare: also write the comparison's Markdown report to this file." };
    private readonly PriceOptions _prices = new();
    private readonly EmbedderOptions _embedder = new();

    public void AddTo(Command command)
    {
        command.Options.Add(_questions);
        command.Options.Add(_report);
        _prices.AddTo(command);
        _embedder.AddTo(command);
    }

    public bool Requested(ParseResult parse) => parse.GetValue(_questions) is not null;

    /// <summary>Checks, before the submission, that the comparison can run when the job succeeds.</summary>
    public async Task CheckAsync(ParseResult parse, bool wait, DirectoryInfo? knowledge, CancellationToken cancellationToken)
    {
        if (parse.GetValue(_questions) is not { } questions)
        {
            if (parse.GetValue(_report) is not null)
            {
                throw new CliUsageException("--report needs --compare QUESTIONS.");
            }

            return;
        }

        if (!wait)
        {
            throw new CliUsageException("--compare needs --wait: the comparison runs when the job has succeeded.");
        }

        if (knowledge is null)
        {
            throw new CliUsageException("--compare needs --knowledge DIR: the knowledge base the rag and hybrid modes retrieve from.");
        }

        if (!questions.Exists)
        {
            throw new CliUsageException($"--compare: the file '{questions.FullName}' does not exist.");
        }

        if ((await EvaluationQuestionReader.ReadFileAsync(questions.FullName, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            throw new CliUsageException($"--compare: the file '{questions.FullName}' has no questions.");
        }
    }

    /// <summary>Runs the comparison; with <paramref name="json"/> its JSON comes back (and nothing is printed), otherwise the table is printed.</summary>
    public async Task<(int Code, JsonNode? Json)> RunAsync(ParseResult parse, CompareTarget target, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        await error.WriteLineAsync($"comparing {target.BaseModel} (rag) with {target.FineTunedModel} (finetuned, hybrid) on {parse.GetValue(_questions)!.Name}").ConfigureAwait(false);
        string[] args =
        [
            "compare", "--questions", parse.GetValue(_questions)!.FullName, "--docs", target.Knowledge.FullName,
            "--endpoint", target.Endpoint.ToString(), "--api-key", target.ApiKey, "--base-model", target.BaseModel, "--fine-tuned-model", target.FineTunedModel,
            .. ForwardedArguments(parse), .. json ? ["--json"] : Array.Empty<string>(),
        ];
        if (!json)
        {
            return (await CliApp.RunAsync(args, output, error, cancellationToken).ConfigureAwait(false), null);
        }

        using var captured = new StringWriter();
        var code = await CliApp.RunAsync(args, captured, error, cancellationToken).ConfigureAwait(false);
        return (code, code is ExitCodes.Success or ExitCodes.Partial or ExitCodes.Regression ? JsonNode.Parse(captured.ToString()) : null);
    }

    private static IEnumerable<string> ForwardedArguments(ParseResult parse)
    {
        foreach (var result in parse.CommandResult.Children.OfType<OptionResult>().Where(r => !r.Implicit && Forwarded.Contains(r.Option.Name, StringComparer.Ordinal)))
        {
            if (result.Tokens.Count == 0)
            {
                yield return result.Option.Name;
            }

            foreach (var token in result.Tokens)
            {
                yield return result.Option.Name;
                yield return token.Value;
            }
        }
    }

    /// <summary>What the comparison runs against: the job's endpoint and models, and the knowledge base.</summary>
    internal sealed record CompareTarget(Uri Endpoint, string ApiKey, string BaseModel, string FineTunedModel, DirectoryInfo Knowledge);
}
