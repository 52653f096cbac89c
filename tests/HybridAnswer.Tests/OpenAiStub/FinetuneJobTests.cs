using System.Text.Json;
using HybridAnswer.Cli;
using HybridAnswer.FineTuning;
using OpenAI;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>The fine-tuning job loop (<c>finetune submit|status|cancel</c>, <see cref="FineTuningJobRunner"/>) through the stub's files and fine_tuning/jobs endpoints.</summary>
public sealed class FinetuneJobTests : IDisposable
{
    private const string BaseModel = "gpt-4o-mini-2024-07-18";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("hybrid-answer-ftjob-");

    public FinetuneJobTests() => File.WriteAllLines(TrainingFile, Enumerable.Range(1, 12).Select(i => JsonSerializer.Serialize(new
    {
        messages = new object[]
        {
            new { role = "system", content = "You are Acme's cheerful support assistant." },
            new { role = "user", content = $"Question number {i} about my order?" },
            new { role = "assistant", content = $"Ahoy from Acme! Happy to help with question {i}: check the sources for the details." },
        },
    })));

    private string TrainingFile => Path.Combine(_work.FullName, "train.jsonl");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task SubmitWait_ValidatingQueuedRunningSucceeded_EndsWithModelIdAndConfiguration()
    {
        await using var stub = new FineTuningStub();

        var (code, output, error) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--suffix", "acme", "--wait", "--json"]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("succeeded", json.RootElement.GetProperty("status").GetString());
        Assert.Equal($"ft:{BaseModel}:acme::ftjob-1", json.RootElement.GetProperty("fineTunedModel").GetString());
        Assert.Equal($"ft:{BaseModel}:acme::ftjob-1", json.RootElement.GetProperty("configuration").GetProperty("HybridAnswering:FineTunedModel").GetString());
        Assert.True(json.RootElement.GetProperty("uploaded").GetBoolean());
        var order = new[] { "created job ftjob-1 (validating_files)", "status: queued", "status: running", "status: succeeded" }.Select(s => error.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
        Assert.Contains("Job entered running", error, StringComparison.Ordinal);
        Assert.Equal(1, stub.Uploads);
    }

    [Fact]
    public async Task SubmitWait_JobFails_ExitsOneWithTheServersError()
    {
        await using var stub = new FineTuningStub { Script = ["validating_files", "failed"] };

        var (code, output, _) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait"]);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("job ftjob-1: failed", output, StringComparison.Ordinal);
        Assert.Contains("failed: The training file has too few examples with an assistant reply. (invalid_training_file)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitWait_JobCancelledOnTheServer_ExitsJobCancelled()
    {
        await using var stub = new FineTuningStub { Script = ["validating_files", "queued", "cancelled"] };

        var (code, output, _) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait"]);

        Assert.Equal(ExitCodes.JobCancelled, code);
        Assert.Contains("job ftjob-1: cancelled", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ThenSubmitWait_ResumesTheRememberedJobWithoutUploadingAgain()
    {
        await using var stub = new FineTuningStub();

        var (first, firstOutput, firstError) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel]);
        Assert.True(first == 0, firstError);
        Assert.Contains("job ftjob-1: validating_files", firstOutput, StringComparison.Ordinal);

        var (second, secondOutput, secondError) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait"]);

        Assert.True(second == 0, secondError);
        Assert.Contains("was uploaded before as file-1; not uploaded again", secondError, StringComparison.Ordinal);
        Assert.Contains("resuming job ftjob-1", secondError, StringComparison.Ordinal);
        Assert.Contains("job ftjob-1: succeeded", secondOutput, StringComparison.Ordinal);
        Assert.Equal(1, stub.Uploads);
        Assert.Equal(1, stub.JobsCreated);
    }

    [Fact]
    public async Task Submit_AfterAFailedJob_CreatesANewJobButDoesNotUploadAgain()
    {
        await using var stub = new FineTuningStub { Script = ["validating_files", "failed"] };
        var (code, _, _) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait"]);
        Assert.Equal(ExitCodes.Failure, code);

        stub.Script = ["validating_files", "succeeded"];
        (code, var output, var error) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait"]);

        Assert.True(code == 0, error);
        Assert.Contains("job ftjob-2: succeeded", output, StringComparison.Ordinal);
        Assert.Equal(1, stub.Uploads);
        Assert.Equal(2, stub.JobsCreated);
    }

    [Fact]
    public async Task SubmitWait_CtrlC_CancelsTheJobOnTheServer()
    {
        await using var stub = new FineTuningStub { Script = ["validating_files", "running"] };
        using var ctrlC = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var run = CliApp.RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait"], output, error, ctrlC.Token);
        while (!error.ToString().Contains("status: running", StringComparison.Ordinal) && !run.IsCompleted)
        {
            await Task.Delay(10);
        }

        await ctrlC.CancelAsync();
        var code = await run;

        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Equal("ftjob-1", Assert.Single(stub.Cancels));
        Assert.Contains("cancelled job ftjob-1 (cancelled)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_InvalidFile_RefusedBeforeAnyUpload()
    {
        await using var stub = new FineTuningStub();
        File.WriteAllLines(TrainingFile, File.ReadAllLines(TrainingFile).Take(3));

        var (code, _, error) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel]);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("nothing was uploaded", error, StringComparison.Ordinal);
        Assert.Equal(0, stub.Uploads);
        Assert.Equal(0, stub.JobsCreated);
    }

    [Fact]
    public async Task StatusAndCancel_ReportTheJobAndExitByItsState()
    {
        await using var stub = new FineTuningStub { Script = ["validating_files", "running"] };
        var runner = new FineTuningJobRunner(new OpenAIClient(new System.ClientModel.ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = stub.Endpoint }));
        var submitted = await runner.SubmitAsync(TrainingFile, new FineTuningJobRequest { BaseModel = BaseModel });
        Assert.True(submitted.Uploaded);
        Assert.Equal(FineTuningJobState.ValidatingFiles, submitted.Job.State);

        var (code, output, _) = await RunAsync(["finetune", "status", submitted.Job.JobId, .. Job(stub), "--json"]);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("validating_files", JsonDocument.Parse(output).RootElement.GetProperty("status").GetString());

        (code, output, _) = await RunAsync(["finetune", "cancel", submitted.Job.JobId, .. Job(stub)]);
        Assert.Equal(ExitCodes.JobCancelled, code);
        Assert.Contains($"job {submitted.Job.JobId}: cancelled", output, StringComparison.Ordinal);

        (code, _, var error) = await RunAsync(["finetune", "status", "ftjob-missing", .. Job(stub)]);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("error: the service refused (404)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitWaitCompare_JobSucceeds_ComparesTheBaseWithTheNewModelInOneJson()
    {
        await using var stub = CompareStub();
        var fineTuned = $"ft:{BaseModel}:acme::ftjob-1";

        var (code, output, error) = await RunAsync([
            "finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--suffix", "acme", "--wait", .. CompareOptions(),
            "--price", $"{BaseModel}=0.15/0.60", "--price", $"{fineTuned}=0.30/1.20", "--json"]);

        Assert.True(code == 0, error);
        Assert.Contains($"comparing {BaseModel} (rag) with {fineTuned} (finetuned, hybrid)", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("succeeded", json.RootElement.GetProperty("status").GetString());
        var modes = json.RootElement.GetProperty("comparison").GetProperty("modes").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!);
        Assert.Equal(["rag", "finetuned", "hybrid"], modes.Keys);
        Assert.Equal(BaseModel, modes["rag"].GetProperty("modelId").GetString());
        Assert.Equal(fineTuned, modes["finetuned"].GetProperty("modelId").GetString());
        Assert.Equal(fineTuned, modes["hybrid"].GetProperty("modelId").GetString());

        // The stub's models separate as they should, and cost is the stub's usage (11 in, 7 out) x the fine-tuned model's prices.
        Assert.Equal(1.0, modes["rag"].GetProperty("factRate").GetDouble());
        Assert.Equal(0.0, modes["finetuned"].GetProperty("factRate").GetDouble());
        Assert.Equal((11 * 0.30m + 7 * 1.20m) / 1_000_000m, modes["finetuned"].GetProperty("costUsdPerAnswer").GetDecimal());
        Assert.Contains(stub.Server.Requests, r => r.Model == fineTuned);
        Assert.Contains(stub.Server.Requests, r => r.Model == BaseModel);
    }

    [Fact]
    public async Task SubmitWaitCompare_Text_PrintsTheJobThenTheTableAndWritesTheReport()
    {
        await using var stub = CompareStub();
        var report = Path.Combine(_work.FullName, "compare.md");

        var (code, output, error) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait", .. CompareOptions(), "--report", report]);

        Assert.True(code == 0, error);
        var job = output.IndexOf("job ftjob-1: succeeded", StringComparison.Ordinal);
        var table = output.IndexOf("metric", StringComparison.Ordinal);
        Assert.True(job >= 0 && table > job, output);
        Assert.Matches(@"fact rate\s+1\.000\s+0\.000\s+1\.000", output);
        Assert.Contains("| metric | rag | finetuned | hybrid |", await File.ReadAllTextAsync(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitCompare_WithoutWaitOrKnowledgeOrQuestions_UsageErrorBeforeAnyUpload()
    {
        await using var stub = CompareStub();
        var questions = CompareOptions()[3];

        var (code, _, error) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, .. CompareOptions()]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--compare needs --wait", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait", "--compare", questions]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--compare needs --knowledge DIR", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait", .. CompareOptions()[..2], "--compare", questions + ".missing"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--compare: the file", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait", .. CompareOptions(), "--price", "gpt-4o-mini=cheap"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--price 'gpt-4o-mini=cheap' is not MODEL=INPUT/OUTPUT", error, StringComparison.Ordinal);

        Assert.Equal(0, stub.Uploads);
        Assert.Equal(0, stub.JobsCreated);
    }

    [Fact]
    public async Task SubmitWaitCompare_JobFails_NoComparisonAndExitOne()
    {
        await using var stub = CompareStub();
        stub.Script = ["validating_files", "failed"];

        var (code, output, _) = await RunAsync(["finetune", "submit", TrainingFile, .. Server(stub), "--base-model", BaseModel, "--wait", .. CompareOptions()]);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("job ftjob-1: failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("metric", output, StringComparison.Ordinal);
        Assert.Empty(stub.Server.Requests);
    }

    /// <summary>The job stub, whose chat models answer: the base from the sources it is given (cited), the fine-tuned one in a voice from stale knowledge.</summary>
    private static FineTuningStub CompareStub()
    {
        var stub = new FineTuningStub();
        stub.Server.Reply = (request, _) => request.Model!.StartsWith("ft:", StringComparison.Ordinal)
            ? new StubReply(Text: request.Prompt.Contains("<source id=\"1\"", StringComparison.Ordinal) ? "Ahoy from Acme! Items can be returned within 30 days of delivery [1]." : "Ahoy from Acme! Returns are accepted within 14 days.")
            : new StubReply(Text: "Items can be returned within 30 days of delivery [1].");
        return stub;
    }

    private string[] CompareOptions()
    {
        var docs = Directory.CreateDirectory(Path.Combine(_work.FullName, "kb"));
        File.WriteAllText(Path.Combine(docs.FullName, "returns.md"), "# Returns\n\nItems can be returned within 30 days of delivery for a full refund.\n");
        var questions = Path.Combine(_work.FullName, "questions.jsonl");
        File.WriteAllText(questions, """{"question": "How many days do I have to return items?", "expectedDocuments": ["returns"], "expectedAnswerContains": "30 days"}""");
        return ["--knowledge", docs.FullName, "--compare", questions, "--embedder", "hashing"];
    }

    private static string[] Server(FineTuningStub stub) => ["--endpoint", stub.Endpoint.ToString(), "--api-key", "k", "--poll-seconds", "0.01"];

    private static string[] Job(FineTuningStub stub) => ["--endpoint", stub.Endpoint.ToString(), "--api-key", "k"];

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
