using System.Text.Json;

namespace HybridAnswer.Tests.Cli;

public sealed class CostsCommandTests
{
    [Fact]
    public async Task Costs_10000PerDay_PrintsTheFrameworksTable()
    {
        var (exit, output, _) = await CliRun.RunAsync("costs", "--queries-per-day", "10000");

        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("Rag ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("$990.00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FineTuned ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("$1,700.00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Hybrid ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("$1,790.00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Costs_Json_HasTheMonthlyTotals()
    {
        var (exit, output, _) = await CliRun.RunAsync("costs", "-q", "10000", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var monthly = json.RootElement.GetProperty("projections").EnumerateArray().ToDictionary(p => p.GetProperty("mode").GetString()!, p => p.GetProperty("monthlyUsd").GetDecimal());
        Assert.Equal(new Dictionary<string, decimal> { ["Rag"] = 990m, ["FineTuned"] = 1_700m, ["Hybrid"] = 1_790m }, monthly);
        Assert.Equal("model", json.RootElement.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Costs_Measured_ProjectsFromAskJsonOutput()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, """
                {"answer": "a", "answered": true, "mode": "Rag", "costUsd": 0.002}
                {"answer": "b", "answered": true, "mode": "Rag", "costUsd": 0.004}
                {"answer": "c", "answered": false, "mode": "Hybrid", "costUsd": null}
                """);
            var (exit, output, _) = await CliRun.RunAsync("costs", "-q", "10000", "--measured", path, "--json");

            Assert.Equal(0, exit);
            using var json = JsonDocument.Parse(output);
            var projection = Assert.Single(json.RootElement.GetProperty("projections").EnumerateArray());
            Assert.Equal(("Rag", 900m, 2), (projection.GetProperty("mode").GetString(), projection.GetProperty("monthlyUsd").GetDecimal(), projection.GetProperty("measuredAnswers").GetInt32()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("costs")]
    [InlineData("costs", "--queries-per-day", "-5")]
    [InlineData("costs", "--queries-per-day", "many")]
    [InlineData("costs", "-q", "10", "--days", "0")]
    [InlineData("costs", "-q", "10", "--base-usd", "-1")]
    public async Task Costs_BadArguments_ExitWithUsage(params string[] args)
    {
        var (exit, _, error) = await CliRun.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.StartsWith("error:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Costs_MissingMeasuredFile_ExitsWithUsage()
    {
        var (exit, _, error) = await CliRun.RunAsync("costs", "-q", "10", "--measured", "/nonexistent/answers.json");

        Assert.Equal(2, exit);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }
}
