using System.Text.Json;
using HybridAnswer.Cli;

namespace HybridAnswer.Tests.Cli;

/// <summary>Enums in every <c>--json</c> output are their names, as a web client or a script reads them.</summary>
public sealed class CliJsonTests
{
    [Fact]
    public void Serialize_EnumValues_WritesTheirNames()
    {
        var json = CliJson.Serialize(new { Mode = AnswerMode.FineTuned, Reason = (NoAnswerReason?)NoAnswerReason.InsufficientSupport, None = (NoAnswerReason?)null });

        Assert.Contains("\"mode\": \"FineTuned\"", json, StringComparison.Ordinal);
        Assert.Contains("\"reason\": \"InsufficientSupport\"", json, StringComparison.Ordinal);
        Assert.Contains("\"none\": null", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_JsonRefusal_WritesModeAndNoAnswerReasonAsNames()
    {
        var (exit, output, error) = await CliRun.RunAsync("ask", "Which volcano erupted on Jupiter's moon Io in 1979?", "--embedder", "hashing", "--json");

        Assert.True(exit == 0, error);
        Assert.Contains("\"answered\": false", output, StringComparison.Ordinal);
        var reason = System.Text.RegularExpressions.Regex.Match(output, "\"noAnswerReason\": \"(?<name>[A-Za-z]+)\"");
        Assert.True(reason.Success, output);
        Assert.True(Enum.TryParse<NoAnswerReason>(reason.Groups["name"].Value, out _), output);
        Assert.Contains("\"mode\": \"Rag\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_JsonFineTunedMode_WritesTheModeName()
    {
        var (exit, output, error) = await CliRun.RunAsync("ask", "How many days do I have to return an item?", "--embedder", "hashing", "--mode", "finetuned", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("FineTuned", json.RootElement.GetProperty("mode").GetString());
    }
}
