using System.Text.Json;
using HybridAnswer.FineTuning;
using HybridAnswer.Tests.FineTuning;

namespace HybridAnswer.Tests.Cli;

public sealed class FinetuneCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("finetune-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Validate_ValidFile_ExitsZeroWithSummary()
    {
        var file = Write("good.jsonl", FineTuningValidatorTests.Distinct(12));

        var (exit, output, _) = await CliRun.RunAsync("finetune", "validate", file);

        Assert.Equal(0, exit);
        Assert.Contains("12 well-formed example(s)", output, StringComparison.Ordinal);
        Assert.Contains("file: warning [few-examples]", output, StringComparison.Ordinal);
        Assert.Contains("Estimated training cost: $", output, StringComparison.Ordinal);
        Assert.Contains("VALID: 0 error(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_InvalidFile_ExitsOneNamingTheLines()
    {
        var lines = FineTuningValidatorTests.Distinct(12);
        lines.Insert(3, """{"messages":[{"role":"user","content":"Hi"}]}""");
        var file = Write("bad.jsonl", lines);

        var (exit, output, _) = await CliRun.RunAsync("finetune", "validate", file, "--json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var issue = json.RootElement.GetProperty("issues").EnumerateArray().First(i => i.GetProperty("severity").GetString() == "error");
        Assert.Equal((4, "no-assistant-message"), (issue.GetProperty("line").GetInt32(), issue.GetProperty("code").GetString()));
        Assert.Equal("gpt-4o-mini-2024-07-18", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Validate_WithKnowledge_WarnsAboutLeakedFacts()
    {
        var docs = _dir.CreateSubdirectory("kb");
        await File.WriteAllTextAsync(Path.Combine(docs.FullName, "returns.md"), "# Returns\n\nUnused items can be returned within 30 days of delivery for a full refund.\n");
        var lines = FineTuningValidatorTests.Distinct(11);
        lines.Add("""{"messages":[{"role":"user","content":"Can I return it?"},{"role":"assistant","content":"Yes, unused items can be returned within 30 days of delivery."}]}""");
        var file = Write("leak.jsonl", lines);

        var (exit, output, _) = await CliRun.RunAsync("finetune", "validate", file, "--knowledge", docs.FullName, "--model", "gpt-4.1-mini");

        Assert.Equal(0, exit);
        Assert.Contains("line 12: warning [knowledge-leakage]", output, StringComparison.Ordinal);
        Assert.Contains("model gpt-4.1-mini-2025-04-14", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--model", "gpt-9")]
    [InlineData("--epochs", "0")]
    [InlineData("--validation-fraction", "0.9")]
    public async Task Validate_BadOption_ExitsWithUsage(string option, string value)
    {
        var file = Write("good.jsonl", FineTuningValidatorTests.Distinct(12));

        Assert.Equal(2, (await CliRun.RunAsync("finetune", "validate", file, option, value)).Exit);
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsWithUsage()
    {
        var (exit, _, error) = await CliRun.RunAsync("finetune", "validate", Path.Combine(_dir.FullName, "none.jsonl"));

        Assert.Equal(2, exit);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ApprovedAnswers_WritesValidTrainingAndValidationFiles()
    {
        var records = Enumerable.Range(1, 20).Select(i => $$"""{"question": "Question {{i}}?", "answer": "Answer {{i}} [1].", "approved": true}""").ToList();
        records.Add("""{"question": "Do you sell cars?", "answer": "I don't have that information.", "answered": false, "approved": true}""");
        records.Add("""{"question": "Q?", "answer": "Unreviewed.", "approved": false}""");
        var input = Write("reviewed.jsonl", records);
        var train = Path.Combine(_dir.FullName, "train.jsonl");
        var validation = Path.Combine(_dir.FullName, "validation.jsonl");

        var (exit, output, _) = await CliRun.RunAsync("finetune", "export", input, "-o", train, "--validation-output", validation, "--validation-fraction", "0.2", "--system-prompt", "You are Acme.");

        Assert.Equal(0, exit);
        Assert.Contains("Skipped: 1 notApproved, 1 refusal", output, StringComparison.Ordinal);
        var trainExamples = await TrainingJsonl.ReadFileAsync(train);
        var validationExamples = await TrainingJsonl.ReadFileAsync(validation);
        Assert.Equal((16, 4), (trainExamples.Count, validationExamples.Count));
        Assert.All(trainExamples.Concat(validationExamples), e =>
        {
            Assert.Equal("You are Acme.", e.Messages[0].Content);
            Assert.DoesNotContain("[1]", e.Messages[2].Content, StringComparison.Ordinal);
            Assert.DoesNotContain("information", e.Messages[2].Content, StringComparison.Ordinal);
        });

        var (validateExit, _, _) = await CliRun.RunAsync("finetune", "validate", train, "--validation-fraction", "0");
        Assert.Equal(0, validateExit);
    }

    [Fact]
    public async Task Export_MalformedRecord_ExitsOneNamingTheLine()
    {
        var input = Write("reviewed.jsonl", ["""{"question": "Q?", "answer": "A.", "approved": true}""", """{"question": 3, "answer": "A."}"""]);

        var (exit, _, error) = await CliRun.RunAsync("finetune", "export", input, "-o", Path.Combine(_dir.FullName, "out.jsonl"));

        Assert.Equal(1, exit);
        Assert.Contains("line 2: 'question' must be a string", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_WithoutOutput_ExitsWithUsage()
    {
        var input = Write("reviewed.jsonl", ["""{"question": "Q?", "answer": "A.", "approved": true}"""]);

        Assert.Equal(2, (await CliRun.RunAsync("finetune", "export", input)).Exit);
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
