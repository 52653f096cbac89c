using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using HybridAnswer.DecisionFramework;
using OpenAI;
using OpenAI.Files;
using OpenAI.FineTuning;

namespace HybridAnswer.FineTuning;

/// <summary>
/// The fine-tuning job loop over an OpenAI-compatible API, with the OpenAI .NET SDK's files and fine-tuning clients:
/// validate the training file (refusing on errors), upload it once per content hash, create the job, follow it to a
/// terminal state with its events, cancel it. Job fields are read from the service's JSON (the SDK's experimental job type
/// does not expose the fine-tuned model id or the error), so every status the service reports reaches the caller.
/// </summary>
public sealed class FineTuningJobRunner
{
    private readonly OpenAIFileClient _files;
    private readonly FineTuningClient _jobs;
    private readonly FineTuningJobRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly string _endpoint;

    /// <summary>Initializes a new runner.</summary>
    /// <param name="client">The OpenAI client (its endpoint and key); any OpenAI-compatible server with files and fine_tuning/jobs.</param>
    /// <param name="options">Poll interval and the state file; the defaults when <see langword="null"/>.</param>
    /// <param name="time">The clock the wait polls with; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range (the message names its key).</exception>
    public FineTuningJobRunner(OpenAIClient client, FineTuningJobRunnerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _files = client.GetOpenAIFileClient();
        _jobs = client.GetFineTuningClient();
        _options = options ?? new FineTuningJobRunnerOptions();
        OptionsValidation.ThrowIfInvalid(FineTuningJobRunnerOptionsValidator.Instance, _options);
        _time = time ?? TimeProvider.System;
        _endpoint = client.Endpoint?.ToString() ?? "default";
    }

    /// <summary>
    /// Validates the file, uploads it unless the same content was uploaded to this endpoint before, and creates the job — or,
    /// when a job for this file and request is remembered and did not fail or get cancelled, returns that job instead.
    /// </summary>
    /// <param name="trainingFile">The chat-format JSONL file.</param>
    /// <param name="request">The base model and the job's settings.</param>
    /// <param name="cancellationToken">Cancels validation, upload and creation.</param>
    /// <returns>The submission: the file id, whether it was uploaded now, and the job.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FineTuningRefusedException">The file has validation errors; nothing was uploaded.</exception>
    /// <exception cref="ClientResultException">The service refused the upload or the job.</exception>
    public async Task<FineTuningSubmission> SubmitAsync(string trainingFile, FineTuningJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trainingFile);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.BaseModel, nameof(request));
        if (request.Epochs is { } epochs)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs, nameof(request));
        }

        if (!File.Exists(trainingFile))
        {
            throw new FileNotFoundException($"The training file '{trainingFile}' does not exist.", trainingFile);
        }

        var report = await new FineTuningValidator(request.Validation).ValidateFileAsync(trainingFile, cancellationToken).ConfigureAwait(false);
        if (!report.IsValid)
        {
            throw new FineTuningRefusedException(report);
        }

        var bytes = await File.ReadAllBytesAsync(trainingFile, cancellationToken).ConfigureAwait(false);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var state = new FineTuningStateFile(_options.StateFile);
        await state.LoadAsync(cancellationToken).ConfigureAwait(false);

        var uploadKey = _endpoint + "|" + hash;
        var jobKey = string.Create(CultureInfo.InvariantCulture, $"{uploadKey}|{request.BaseModel}|{request.Suffix}|{request.Epochs}");
        if (state.Jobs.TryGetValue(jobKey, out var rememberedJob) && state.Uploads.TryGetValue(uploadKey, out var rememberedFile))
        {
            var remembered = await GetStatusAsync(rememberedJob, cancellationToken).ConfigureAwait(false);
            if (remembered.State is not (FineTuningJobState.Failed or FineTuningJobState.Cancelled))
            {
                return new FineTuningSubmission { Validation = report, FileSha256 = hash, FileId = rememberedFile, Uploaded = false, Resumed = true, Job = remembered };
            }
        }

        var uploaded = false;
        if (!state.Uploads.TryGetValue(uploadKey, out var fileId))
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var file = await _files.UploadFileAsync(stream, Path.GetFileName(trainingFile), FileUploadPurpose.FineTune, cancellationToken).ConfigureAwait(false);
            fileId = file.Value.Id;
            uploaded = true;
            state.Uploads[uploadKey] = fileId;
            await state.SaveAsync(cancellationToken).ConfigureAwait(false);
        }

        var job = await _jobs.FineTuneAsync(BinaryContent.Create(BinaryData.FromObjectAsJson(CreateBody(request, fileId))), waitUntilCompleted: false, Options(cancellationToken)).ConfigureAwait(false);
        var status = Parse(job.GetRawResponse().Content);
        state.Jobs[jobKey] = status.JobId;
        await state.SaveAsync(cancellationToken).ConfigureAwait(false);
        return new FineTuningSubmission { Validation = report, FileSha256 = hash, FileId = fileId, Uploaded = uploaded, Resumed = false, Job = status };
    }

    /// <summary>Reads a job's status.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ClientResultException">The service refused (an unknown job id: 404).</exception>
    public async Task<FineTuningJobStatus> GetStatusAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        var job = await FineTuningJob.RehydrateAsync(_jobs, jobId, cancellationToken).ConfigureAwait(false);
        return Parse(job.GetRawResponse().Content);
    }

    /// <summary>Asks the service to cancel a job, and returns its status after the request.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The status the service answered with (normally <see cref="FineTuningJobState.Cancelled"/>).</returns>
    /// <exception cref="ClientResultException">The service refused (unknown job, or already ended).</exception>
    public async Task<FineTuningJobStatus> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        var job = await FineTuningJob.RehydrateAsync(_jobs, jobId, cancellationToken).ConfigureAwait(false);
        var result = await job.CancelAsync(Options(cancellationToken)).ConfigureAwait(false);
        return Parse(result.GetRawResponse().Content);
    }

    /// <summary>
    /// Follows a job until it succeeds, fails or is cancelled, reporting every new event (oldest first) and every status
    /// change. Cancelling the token stops the wait, not the job: call <see cref="CancelAsync"/> for that.
    /// </summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="events">Receives new events; <see langword="null"/> for none.</param>
    /// <param name="statuses">Receives each status that differs from the previous one; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The terminal status.</returns>
    public async Task<FineTuningJobStatus> WaitAsync(string jobId, IProgress<FineTuningJobEvent>? events = null, IProgress<FineTuningJobStatus>? statuses = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        var job = await FineTuningJob.RehydrateAsync(_jobs, jobId, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? last = null;
        // Rehydrating read the job once; every later poll is one UpdateStatus read, so each poll costs one GET.
        var response = job.GetRawResponse().Content;
        while (true)
        {
            var status = Parse(response);
            if (events is not null)
            {
                var fresh = new List<FineTuningJobEvent>();
                await foreach (var e in job.GetEventsAsync(new GetEventsOptions { PageSize = 100 }, cancellationToken).ConfigureAwait(false))
                {
                    if (!seen.Add(e.Id))
                    {
                        break;
                    }

                    fresh.Add(new FineTuningJobEvent { Id = e.Id, CreatedAt = e.CreatedAt, Message = e.Message });
                }

                // The service lists newest first; report in the order things happened.
                foreach (var e in fresh.OrderBy(e => e.CreatedAt))
                {
                    events.Report(e);
                }
            }

            if (status.RawStatus != last)
            {
                last = status.RawStatus;
                statuses?.Report(status);
            }

            if (status.IsTerminal)
            {
                return status;
            }

            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            response = (await job.UpdateStatusAsync(Options(cancellationToken)).ConfigureAwait(false)).GetRawResponse().Content;
        }
    }

    private static Dictionary<string, object> CreateBody(FineTuningJobRequest request, string fileId)
    {
        var body = new Dictionary<string, object> { ["model"] = request.BaseModel, ["training_file"] = fileId };
        if (request.Suffix is { } suffix)
        {
            body["suffix"] = suffix;
        }

        if (request.Epochs is { } epochs)
        {
            body["method"] = new Dictionary<string, object>
            {
                ["type"] = "supervised",
                ["supervised"] = new Dictionary<string, object> { ["hyperparameters"] = new Dictionary<string, object> { ["n_epochs"] = epochs } },
            };
        }

        return body;
    }

    private static RequestOptions Options(CancellationToken cancellationToken) => new() { CancellationToken = cancellationToken };

    internal static FineTuningJobStatus Parse(BinaryData json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var raw = String(root, "status") ?? "unknown";
        FineTuningJobError? error = null;
        if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object && String(e, "message") is { Length: > 0 } message)
        {
            error = new FineTuningJobError { Code = String(e, "code"), Message = message, Parameter = String(e, "param") };
        }

        return new FineTuningJobStatus
        {
            JobId = String(root, "id") ?? throw new InvalidDataException("The fine-tuning job in the service's answer has no id."),
            RawStatus = raw,
            State = raw switch
            {
                "validating_files" => FineTuningJobState.ValidatingFiles,
                "queued" => FineTuningJobState.Queued,
                "running" => FineTuningJobState.Running,
                "succeeded" => FineTuningJobState.Succeeded,
                "failed" => FineTuningJobState.Failed,
                "cancelled" => FineTuningJobState.Cancelled,
                _ => FineTuningJobState.Unknown,
            },
            BaseModel = String(root, "model"),
            FineTunedModel = String(root, "fine_tuned_model"),
            TrainingFileId = String(root, "training_file"),
            TrainedTokens = root.TryGetProperty("trained_tokens", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt64() : null,
            Error = error,
        };
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
