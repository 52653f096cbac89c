using System.ClientModel;
using System.ClientModel.Primitives;
using System.CommandLine;
using System.Globalization;
using HybridAnswer.FineTuning;
using OpenAI;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>finetune submit|status|cancel</c>: the fine-tuning job loop over an OpenAI-compatible API (<see cref="FineTuningJobRunner"/>).
/// Exit codes: 0 succeeded (or still running without <c>--wait</c>), 1 failed or refused, 5 cancelled, 130 Ctrl-C (the job is
/// cancelled too).
/// </summary>
internal static class FinetuneJobCommands
{
    private const string DefaultEndpoint = "https://api.openai.com/v1";

    public static Command CreateSubmit(TextWriter output)
    {
        var file = new Argument<FileInfo>("file") { Description = "The chat-format JSONL training file (validated first; refused on errors)." };
        var baseModel = new Option<string>("--base-model") { Description = "The model to fine-tune, e.g. gpt-4o-mini-2024-07-18.", Required = true };
        var suffix = new Option<string?>("--suffix") { Description = "Suffix of the fine-tuned model's name." };
        var epochs = NumberOption.CreateOptional("--epochs", "Training epochs, 1-50 (default: the service's choice).", 1, 50);
        var knowledge = new Option<DirectoryInfo?>("--knowledge") { Description = "Knowledge-base folder for the leakage check (warnings: facts baked into weights go stale)." };
        var wait = new Option<bool>("--wait") { Description = "Follow the job to its end (events on stderr; Ctrl-C cancels the job). Run again to resume a wait." };
        var state = new Option<FileInfo?>("--state") { Description = "The file remembering uploads and jobs (default: FILE.finetune.json beside the training file)." };
        var (endpoint, apiKey, poll, json) = Common();
        var compare = new FinetuneCompare();
        var command = new Command("submit", "Validate, upload once (by content hash), create the fine-tuning job; --wait follows it to the fine-tuned model id; --compare then measures it against the base.")
        {
            file, baseModel, suffix, epochs, knowledge, wait, state, endpoint, apiKey, poll, json,
        };
        compare.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliUsageException($"the file '{path.FullName}' does not exist.");
            }

            await compare.CheckAsync(parse, parse.GetValue(wait), parse.GetValue(knowledge), cancellationToken).ConfigureAwait(false);
            var model = parse.GetValue(baseModel)!.Trim();
            var validation = new FineTuningValidationOptions
            {
                Model = FineTuningModels.TryFind(model, out var known) ? known : FineTuningModels.Default,
                Epochs = parse.GetValue(epochs),
                LeakageDetector = parse.GetValue(knowledge) is { } folder ? new KnowledgeLeakageDetector(await FinetuneCommand.LoadKnowledgeAsync(folder, cancellationToken).ConfigureAwait(false)) : null,
            };
            var runner = Runner(parse, endpoint, apiKey, poll, parse.GetValue(state)?.FullName ?? path.FullName + ".finetune.json");
            var error = parse.InvocationConfiguration.Error;
            FineTuningSubmission submission;
            try
            {
                submission = await runner.SubmitAsync(path.FullName, new FineTuningJobRequest { BaseModel = model, Suffix = parse.GetValue(suffix), Epochs = parse.GetValue(epochs), Validation = validation }, cancellationToken).ConfigureAwait(false);
            }
            catch (FineTuningRefusedException e)
            {
                foreach (var issue in e.Report.Issues.Where(i => i.Severity == FineTuningIssueSeverity.Error))
                {
                    await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{path.Name}:{issue.Line}: {issue.Code}: {issue.Message}")).ConfigureAwait(false);
                }

                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (ClientResultException e)
            {
                return await RefusedAsync(error, e).ConfigureAwait(false);
            }

            foreach (var issue in submission.Validation.Issues.Where(i => i.Severity == FineTuningIssueSeverity.Warning))
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warning: {path.Name}:{issue.Line}: {issue.Message}")).ConfigureAwait(false);
            }

            await error.WriteLineAsync(submission.Uploaded ? $"uploaded {path.Name} as {submission.FileId}" : $"{path.Name} was uploaded before as {submission.FileId}; not uploaded again").ConfigureAwait(false);
            await error.WriteLineAsync(submission.Resumed ? $"resuming job {submission.Job.JobId} ({submission.Job.RawStatus})" : $"created job {submission.Job.JobId} ({submission.Job.RawStatus})").ConfigureAwait(false);
            var status = submission.Job;
            if (parse.GetValue(wait) && !status.IsTerminal)
            {
                var waited = await WaitAsync(runner, status.JobId, error, cancellationToken).ConfigureAwait(false);
                if (waited is null)
                {
                    return ExitCodes.Cancelled;
                }

                status = waited;
            }

            if (status.State != FineTuningJobState.Succeeded || status.FineTunedModel is null || !compare.Requested(parse))
            {
                return await ReportAsync(output, status, parse.GetValue(json), submission).ConfigureAwait(false);
            }

            // The job succeeded: measure the new model against the base on the user's questions, in the same output.
            var target = new FinetuneCompare.CompareTarget(parse.GetValue(endpoint)!, ApiKey(parse, apiKey), model, status.FineTunedModel, parse.GetValue(knowledge)!);
            if (parse.GetValue(json))
            {
                var (jsonCode, comparison) = await compare.RunAsync(parse, target, json: true, output, cancellationToken).ConfigureAwait(false);
                var reported = await ReportAsync(output, status, json: true, submission, comparison).ConfigureAwait(false);
                return jsonCode == ExitCodes.Success ? reported : jsonCode;
            }

            var code = await ReportAsync(output, status, json: false, submission).ConfigureAwait(false);
            var (compareCode, _) = await compare.RunAsync(parse, target, json: false, output, cancellationToken).ConfigureAwait(false);
            return compareCode == ExitCodes.Success ? code : compareCode;
        });
        return command;
    }

    public static Command CreateStatus(TextWriter output, bool cancel)
    {
        var job = new Argument<string>("job") { Description = "The job id (ftjob-...)." };
        var (endpoint, apiKey, _, json) = Common();
        var command = new Command(cancel ? "cancel" : "status", cancel ? "Cancel a fine-tuning job." : "Show a fine-tuning job: its status, the fine-tuned model id or the error.")
        {
            job, endpoint, apiKey, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var runner = Runner(parse, endpoint, apiKey, poll: null, stateFile: null);
            var id = parse.GetValue(job)!.Trim();
            try
            {
                var status = cancel ? await runner.CancelAsync(id, cancellationToken).ConfigureAwait(false) : await runner.GetStatusAsync(id, cancellationToken).ConfigureAwait(false);
                return await ReportAsync(output, status, parse.GetValue(json), submission: null).ConfigureAwait(false);
            }
            catch (ClientResultException e)
            {
                return await RefusedAsync(parse.InvocationConfiguration.Error, e).ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>Follows the job; on Ctrl-C cancels it and returns <see langword="null"/>.</summary>
    internal static async Task<FineTuningJobStatus?> WaitAsync(FineTuningJobRunner runner, string jobId, TextWriter error, CancellationToken cancellationToken)
    {
        var events = new SynchronousProgress<FineTuningJobEvent>(e => error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{e.CreatedAt:HH:mm:ss}] {e.Message}")));
        var statuses = new SynchronousProgress<FineTuningJobStatus>(s => error.WriteLine($"status: {s.RawStatus}"));
        try
        {
            return await runner.WaitAsync(jobId, events, statuses, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C stops the wait; the job is cancelled on the server too, so nothing keeps training (and billing) unseen.
            var cancelled = await runner.CancelAsync(jobId, CancellationToken.None).ConfigureAwait(false);
            await error.WriteLineAsync($"cancelled job {jobId} ({cancelled.RawStatus})").ConfigureAwait(false);
            return null;
        }
    }

    private static async Task<int> ReportAsync(TextWriter output, FineTuningJobStatus status, bool json, FineTuningSubmission? submission, System.Text.Json.Nodes.JsonNode? comparison = null)
    {
        var setting = $"{HybridAnsweringOptions.SectionName}:{nameof(HybridAnsweringOptions.FineTunedModel)}";
        if (json)
        {
            var fields = new Dictionary<string, object?>
            {
                ["jobId"] = status.JobId,
                ["status"] = status.RawStatus,
                ["fineTunedModel"] = status.FineTunedModel,
                ["baseModel"] = status.BaseModel,
                ["trainedTokens"] = status.TrainedTokens,
                ["error"] = status.Error,
                ["fileId"] = submission?.FileId ?? status.TrainingFileId,
                ["uploaded"] = submission?.Uploaded,
                ["resumed"] = submission?.Resumed,
                ["configuration"] = status.FineTunedModel is null ? null : new Dictionary<string, string> { [setting] = status.FineTunedModel },
            };
            if (comparison is not null)
            {
                fields["comparison"] = comparison;
            }

            await output.WriteLineAsync(CliJson.Serialize(fields)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"job {status.JobId}: {status.RawStatus}").ConfigureAwait(false);
            if (status.FineTunedModel is { } model)
            {
                await output.WriteLineAsync($"fine-tuned model: {model}").ConfigureAwait(false);
                await output.WriteLineAsync($"use it: appsettings.json {{ \"{HybridAnsweringOptions.SectionName}\": {{ \"{nameof(HybridAnsweringOptions.FineTunedModel)}\": \"{model}\" }} }}, or {HybridAnsweringOptions.SectionName}__{nameof(HybridAnsweringOptions.FineTunedModel)}={model}").ConfigureAwait(false);
            }

            if (status.Error is { } failure)
            {
                await output.WriteLineAsync($"failed: {failure.Message}{(failure.Code is null ? string.Empty : $" ({failure.Code})")}").ConfigureAwait(false);
            }
        }

        return status.State switch
        {
            FineTuningJobState.Failed => ExitCodes.Failure,
            FineTuningJobState.Cancelled => ExitCodes.JobCancelled,
            _ => ExitCodes.Success,
        };
    }

    private static async Task<int> RefusedAsync(TextWriter error, ClientResultException e)
    {
        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error: the service refused ({e.Status}): {e.Message}")).ConfigureAwait(false);
        return ExitCodes.Failure;
    }

    private static (Option<Uri> Endpoint, Option<string?> ApiKey, Option<double> Poll, Option<bool> Json) Common() =>
        (new Option<Uri>("--endpoint") { Description = $"Base URL of an OpenAI-compatible API with files and fine_tuning/jobs (default: {DefaultEndpoint}).", DefaultValueFactory = _ => new Uri(DefaultEndpoint), CustomParser = ParseEndpoint },
         new Option<string?>("--api-key") { Description = $"API key (default: the {ModelOptions.ApiKeyVariable} environment variable)." },
         NumberOption.Create("--poll-seconds", "How often --wait reads the job, in seconds (default: 10).", 0.01, 3600.0, 10.0),
         CommonOptions.Json());

    private static Uri ParseEndpoint(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"--endpoint must be an absolute http or https URL, e.g. {DefaultEndpoint} (was '{text}').");
        return null!;
    }

    private static FineTuningJobRunner Runner(ParseResult parse, Option<Uri> endpoint, Option<string?> apiKey, Option<double>? poll, string? stateFile)
    {
        var client = new OpenAIClient(new ApiKeyCredential(ApiKey(parse, apiKey)), new OpenAIClientOptions { Endpoint = parse.GetValue(endpoint), RetryPolicy = new ClientRetryPolicy(maxRetries: 2) });
        return new FineTuningJobRunner(client, new FineTuningJobRunnerOptions { StateFile = stateFile, PollInterval = TimeSpan.FromSeconds(poll is null ? 10 : parse.GetValue(poll)) });
    }

    private static string ApiKey(ParseResult parse, Option<string?> apiKey)
    {
        var key = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable(ModelOptions.ApiKeyVariable);
        return string.IsNullOrWhiteSpace(key) ? throw new CliUsageException($"--api-key (or {ModelOptions.ApiKeyVariable}) is needed to reach the fine-tuning API.") : key;
    }

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
