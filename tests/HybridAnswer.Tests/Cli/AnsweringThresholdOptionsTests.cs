using System.Text.Json;

namespace HybridAnswer.Tests.Cli;

public sealed class AnsweringThresholdOptionsTests
{
    private const string Question = "How many days do I have to return an item?";

    [Fact]
    public async Task Ask_MinScoreAboveEveryScore_RefusesWithoutSources()
    {
        var (exit, output, error) = await CliRun.RunAsync("ask", Question, "--embedder", "hashing", "--min-score", "1", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("answered").GetBoolean());
        Assert.Equal("NoRelevantSources", json.RootElement.GetProperty("noAnswerReason").GetString());
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("1", false)]
    public async Task Ask_MinCoverage_DecidesBetweenAnswerAndRefusal(string minCoverage, bool answered)
    {
        var (exit, output, error) = await CliRun.RunAsync(
            "ask", "How many days do I have to return a wombat?", "--embedder", "hashing", "--min-coverage", minCoverage, "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(answered, json.RootElement.GetProperty("answered").GetBoolean());
        if (!answered)
        {
            Assert.Equal("InsufficientSupport", json.RootElement.GetProperty("noAnswerReason").GetString());
        }
    }

    [Fact]
    public async Task Ask_RetrievalKind_ChangesWhatIsFound()
    {
        // No word of the question is in any sample document: keyword search finds nothing, vector search (floor off) still ranks chunks.
        const string nonsense = "Zyxw qvvt plorb?";
        var (keywordExit, keyword, keywordError) = await CliRun.RunAsync("ask", nonsense, "--embedder", "hashing", "--retrieval", "keyword", "--min-score", "-1", "--json");
        var (vectorExit, vector, vectorError) = await CliRun.RunAsync("ask", nonsense, "--embedder", "hashing", "--retrieval", "vector", "--min-score", "-1", "--json");

        Assert.True(keywordExit == 0, keywordError);
        Assert.True(vectorExit == 0, vectorError);
        using var keywordJson = JsonDocument.Parse(keyword);
        using var vectorJson = JsonDocument.Parse(vector);
        Assert.Equal("NoRelevantSources", keywordJson.RootElement.GetProperty("noAnswerReason").GetString());
        Assert.NotEqual("NoRelevantSources", vectorJson.RootElement.GetProperty("noAnswerReason").GetString());
    }

    [Theory]
    [InlineData("--retrieval", "bm25", "bm25")]
    [InlineData("--min-score", "2", "--min-score must be between -1 and 1")]
    [InlineData("--min-coverage", "lots", "--min-coverage must be a number")]
    public async Task Ask_BadThresholdOption_IsAUsageError(string option, string value, string expected)
    {
        var (exit, _, error) = await CliRun.RunAsync("ask", Question, "--embedder", "hashing", option, value);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
