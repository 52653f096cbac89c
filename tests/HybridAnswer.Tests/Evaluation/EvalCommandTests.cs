using System.Text.Json;
using HybridAnswer.Cli;

namespace HybridAnswer.Tests.Evaluation;

public sealed class EvalCommandTests
{
    [Fact]
    public async Task Eval_HelpdeskJson_PrintsMetricsAndOneResultPerQuestion()
    {
        var (code, output, error) = await RunAsync("eval", "--docs", EvaluationTestData.HelpdeskDirectory, "--questions", EvaluationTestData.HelpdeskQuestions, "--json", "--top-k", "3");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(15, root.GetProperty("questions").GetInt32());
        Assert.Equal(4, root.GetProperty("unanswerable").GetInt32());
        Assert.Equal(3, root.GetProperty("topK").GetInt32());
        Assert.Equal(15, root.GetProperty("results").GetArrayLength());
        foreach (var metric in new[] { "hitAt1", "recallAtK", "mrr", "ndcgAt10", "refusalPrecision", "refusalRecall", "answerContainsRate" })
        {
            var value = root.GetProperty(metric).GetDouble();
            Assert.InRange(value, 0, 1);
        }

        Assert.True(root.GetProperty("latencyMs").GetProperty("answerP95").GetDouble() >= root.GetProperty("latencyMs").GetProperty("answerP50").GetDouble());
    }

    [Fact]
    public async Task Eval_SamplesWithFilter_PrintsTableWithFilterAndMetrics()
    {
        var (code, output, _) = await RunAsync("eval", "--docs", EvaluationTestData.SamplesDirectory, "--questions", EvaluationTestData.SampleQuestions, "--filter", "status=published");

        Assert.Equal(0, code);
        Assert.Contains("30 questions (22 answerable, 8 unanswerable); top-k 5; filter status=published", output, StringComparison.Ordinal);
        foreach (var metric in new[] { "hit@1", "recall@5", "MRR", "nDCG@10", "refusal precision", "refusal recall", "answer contains", "answer latency p50", "answer latency p95" })
        {
            Assert.Contains(metric, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Eval_MissingQuestionsFile_ExitsWithUsageError()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".jsonl");

        var (code, _, error) = await RunAsync("eval", "--docs", EvaluationTestData.HelpdeskDirectory, "--questions", missing);

        Assert.Equal(2, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_MalformedQuestionsFile_ExitsWithFailureNamingTheLine()
    {
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".jsonl");
        await File.WriteAllTextAsync(file, "{\"question\": \"q\", \"unanswerable\": true}\n{\"question\": \"q\"}\n");
        try
        {
            var (code, _, error) = await RunAsync("eval", "--docs", EvaluationTestData.HelpdeskDirectory, "--questions", file);

            Assert.Equal(1, code);
            Assert.Contains("line 2", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Eval_WithoutQuestions_ExitsWithUsageError()
    {
        var (code, _, error) = await RunAsync("eval", "--docs", EvaluationTestData.HelpdeskDirectory);

        Assert.Equal(2, code);
        Assert.Contains("--questions", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Eval_Calibrate_PrintsBothCurvesAndARecommendationThatIsOnThem()
    {
        var (code, output, error) = await RunAsync(
            "eval", "--docs", EvaluationTestData.HelpdeskDirectory, "--questions", EvaluationTestData.HelpdeskQuestions, "--embedder", "hashing", "--calibrate");

        Assert.True(code == 0, error);
        Assert.Equal(2, output.Split("<- chosen").Length - 1);
        var recommended = System.Text.RegularExpressions.Regex.Match(output, @"recommended: MinScore (-?\d\.\d{3}), support threshold (-?\d\.\d{3}) \(question coverage\)");
        Assert.True(recommended.Success, output);
        Assert.Contains($"try it: --min-score {recommended.Groups[1].Value} --min-coverage {recommended.Groups[2].Value}", output, StringComparison.Ordinal);
    }
}
