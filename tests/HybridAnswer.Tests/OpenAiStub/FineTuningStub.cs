using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>
/// The files and fine_tuning/jobs endpoints on the OpenAI-compatible stub: each created job follows a script of statuses,
/// one step per GET of the job, and ends as the script says (succeeded with a model id, failed with the server's error,
/// cancelled); POST …/cancel cancels it. Counts uploads and job creations.
/// </summary>
internal sealed class FineTuningStub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private int _uploads;
    private int _created;

    public FineTuningStub() => Server = new OpenAiStubServer { Raw = HandleAsync };

    public OpenAiStubServer Server { get; }

    public Uri Endpoint => Server.Endpoint;

    /// <summary>The statuses the next created job goes through, one per GET.</summary>
    public string[] Script { get; set; } = ["validating_files", "queued", "running", "succeeded"];

    public int Uploads => _uploads;

    public int JobsCreated => _created;

    public ConcurrentQueue<string> Cancels { get; } = new();

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private async Task<bool> HandleAsync(HttpListenerContext context, byte[] body)
    {
        var path = context.Request.Url!.AbsolutePath;
        var method = context.Request.HttpMethod;
        if (method == "POST" && path == "/v1/files")
        {
            var n = Interlocked.Increment(ref _uploads);
            var named = Encoding.UTF8.GetString(body).Contains("filename=", StringComparison.Ordinal);
            await WriteAsync(context, 200, new { @object = "file", id = $"file-{n}", bytes = body.Length, created_at = 1_700_000_000, filename = named ? "train.jsonl" : "unknown", purpose = "fine-tune", status = "processed" });
            return true;
        }

        if (method == "POST" && path == "/v1/fine_tuning/jobs")
        {
            var request = JsonDocument.Parse(body).RootElement;
            var id = $"ftjob-{Interlocked.Increment(ref _created)}";
            var job = new Job(id, request.GetProperty("model").GetString()!, request.GetProperty("training_file").GetString()!, Script);
            _jobs[id] = job;
            await WriteAsync(context, 200, job.Json(job.Script[0]));
            return true;
        }

        if (!path.StartsWith("/v1/fine_tuning/jobs/", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = path["/v1/fine_tuning/jobs/".Length..].Split('/');
        if (!_jobs.TryGetValue(parts[0], out var found))
        {
            await WriteAsync(context, 404, new { error = new { message = $"No such job: {parts[0]}", type = "invalid_request_error", code = "not_found" } });
            return true;
        }

        switch (method, parts.Length > 1 ? parts[1] : null)
        {
            case ("GET", null):
                await WriteAsync(context, 200, found.Json(found.Next()));
                break;
            case ("GET", "events"):
                await WriteAsync(context, 200, new { @object = "list", data = found.Events(), has_more = false });
                break;
            case ("POST", "cancel"):
                Cancels.Enqueue(found.Id);
                found.Cancel();
                await WriteAsync(context, 200, found.Json("cancelled"));
                break;
            default:
                return false;
        }

        return true;
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, object value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private sealed class Job(string id, string model, string file, string[] script)
    {
        private readonly List<string> _seen = [];
        private int _step;
        private bool _cancelled;

        public string Id => id;

        public string[] Script => script;

        public string Next()
        {
            lock (_seen)
            {
                var status = _cancelled ? "cancelled" : script[Math.Min(_step++, script.Length - 1)];
                if (_seen.Count == 0 || _seen[^1] != status)
                {
                    _seen.Add(status);
                }

                return status;
            }
        }

        public void Cancel()
        {
            lock (_seen)
            {
                _cancelled = true;
                _seen.Add("cancelled");
            }
        }

        public object[] Events()
        {
            lock (_seen)
            {
                // Newest first, as the service lists them.
                return [.. _seen.Select((s, i) => (object)new { @object = "fine_tuning.job.event", id = $"{id}-event-{i}", created_at = 1_700_000_000 + i, level = "info", message = $"Job entered {s}", type = "message", data = new { } }).Reverse()];
            }
        }

        public object Json(string status) => new
        {
            @object = "fine_tuning.job",
            id,
            model,
            created_at = 1_700_000_000,
            finished_at = status is "succeeded" or "failed" or "cancelled" ? 1_700_000_600 : (int?)null,
            fine_tuned_model = status == "succeeded" ? $"ft:{model}:acme::{id}" : null,
            organization_id = "org-stub",
            result_files = Array.Empty<string>(),
            status,
            validation_file = (string?)null,
            training_file = file,
            hyperparameters = new { n_epochs = "auto", batch_size = "auto", learning_rate_multiplier = "auto" },
            trained_tokens = status == "succeeded" ? 12_345 : (int?)null,
            error = status == "failed" ? new { code = "invalid_training_file", message = "The training file has too few examples with an assistant reply.", param = "training_file" } : null,
            seed = 42,
            estimated_finish = (int?)null,
            integrations = Array.Empty<object>(),
            method = new { type = "supervised" },
        };
    }
}
