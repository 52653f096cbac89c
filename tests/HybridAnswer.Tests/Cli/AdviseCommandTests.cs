using System.Text.Json;
using HybridAnswer.Planning;

namespace HybridAnswer.Tests.Cli;

public sealed class AdviseCommandTests
{
    [Theory]
    [InlineData("Rag")]
    [InlineData("Rag", "--knowledge-changes-weekly", "--needs-citations")]
    [InlineData("FineTuning", "--brand-voice", "--examples", "1000")]
    [InlineData("FineTuning", "--specialized-task", "--examples", "600")]
    [InlineData("Hybrid", "--brand-voice", "--knowledge-changes-weekly", "--examples", "800")]
    [InlineData("Rag", "--brand-voice", "--knowledge-changes-weekly", "--examples", "120")]
    [InlineData("Rag", "--brand-voice", "--deploy-within-week", "--examples", "5000")]
    public async Task Advise_Json_RecommendsPerTheChecklist(string expected, params string[] flags)
    {
        var (exit, output, _) = await CliRun.RunAsync(["advise", .. flags, "--json"]);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(expected, json.RootElement.GetProperty("recommendation").GetString());
        Assert.NotEmpty(json.RootElement.GetProperty("reasons").EnumerateArray());
    }

    [Fact]
    public async Task Advise_Text_PrintsRecommendationReasonsAndNotes()
    {
        var (exit, output, _) = await CliRun.RunAsync("advise", "--brand-voice", "--examples", "120");

        Assert.Equal(0, exit);
        Assert.StartsWith("Recommendation: Rag", output, StringComparison.Ordinal);
        Assert.Contains("Why:", output, StringComparison.Ordinal);
        Assert.Contains("380 more quality examples", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("advise", "--examples", "-3")]
    [InlineData("advise", "--examples", "lots")]
    [InlineData("advise", "--brand")]
    public async Task Advise_BadArguments_ExitWithUsage(params string[] args) =>
        Assert.Equal(2, (await CliRun.RunAsync(args)).Exit);
}
