using System.Text.Json;
using HybridAnswer.Cli;

namespace HybridAnswer.Tests.Cli;

public sealed class AskCommandTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Ask_BundledSamples_PrintsAnswerSourcesAndTimings()
    {
        var (exitCode, output, error) = await RunAsync("ask", "How many days do I have to return an item?", "--filter", "status=published");

        Assert.True(exitCode == 0, error);
        Assert.Matches(@"\[\d+\]", output);
        Assert.Contains("Sources:", output, StringComparison.Ordinal);
        Assert.Contains("policies/returns", output, StringComparison.Ordinal);
        Assert.Contains("total", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_FilterMatchesNoDocument_SaysSoAndNamesTheFilter()
    {
        var (exitCode, output, error) = await RunAsync("ask", "How many days do I have to return an item?", "--filter", "status=publshed");
        var (_, json, _) = await RunAsync("ask", "How many days do I have to return an item?", "--filter", "status=publshed", "--json");

        Assert.True(exitCode == 0, error);
        Assert.Contains("no document matches the filter status=publshed", output, StringComparison.Ordinal);
        Assert.Equal("FilterMatchedNothing", JsonDocument.Parse(json).RootElement.GetProperty("noAnswerReason").GetString());
    }

    [Fact]
    public async Task Ask_Json_HasTheDocumentedShape()
    {
        var (exitCode, output, error) = await RunAsync("ask", "How many days do I have to return an item?", "--json", "--top-k", "3", "--filter", "status=published");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("answer").ValueKind);
        Assert.True(root.GetProperty("answered").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("noAnswerReason").ValueKind);
        Assert.Equal("Rag", root.GetProperty("mode").GetString());
        Assert.Equal("extractive", root.GetProperty("model").GetString());
        var citation = root.GetProperty("citations")[0];
        Assert.Equal("policies/returns", citation.GetProperty("documentId").GetString());
        Assert.Equal(JsonValueKind.String, citation.GetProperty("title").ValueKind);
        Assert.Equal(JsonValueKind.Number, citation.GetProperty("score").ValueKind);
        Assert.Equal("policies/returns.md", citation.GetProperty("source").GetString());
        foreach (var timing in new[] { "retrievalMs", "generationMs", "totalMs" })
        {
            Assert.True(root.GetProperty("timings").GetProperty(timing).GetDouble() >= 0);
        }

        Assert.True(root.GetProperty("usage").TryGetProperty("inputTokens", out _));
        Assert.True(root.GetProperty("usage").TryGetProperty("outputTokens", out _));
        Assert.True(root.TryGetProperty("costUsd", out _));
    }

    [Theory]
    [InlineData("What is the minimum length of a password?", "password-reset")]
    [InlineData("Which print queue is on the second floor of the library?", "printing")]
    [InlineData("How much print credit do students get each semester?", "printing")]
    [InlineData("How long can students borrow a laptop from the library?", "laptop-loans")]
    [InlineData("What is the mailbox size limit for staff email?", "email-storage")]
    public async Task Ask_UnseenKnowledgeBase_CitesTheRightDocumentFirst(string question, string expected)
    {
        var (exitCode, output, error) = await RunAsync("ask", question, "--docs", TestData.Helpdesk, "--filter", "status=published", "--json");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("answered").GetBoolean(), output);
        Assert.Equal(expected, json.RootElement.GetProperty("citations")[0].GetProperty("documentId").GetString());
    }

    [Theory]
    [InlineData("How many characters must a new password have?")]
    [InlineData("How often do passwords expire?")]
    [InlineData("How many failed attempts lock my account?")]
    public async Task Ask_PublishedFilter_NeverCitesTheDraft(string question)
    {
        var (_, output, _) = await RunAsync("ask", question, "--docs", TestData.Helpdesk, "--filter", "status=published", "--json", "--top-k", "10");

        using var json = JsonDocument.Parse(output);
        Assert.DoesNotContain(json.RootElement.GetProperty("citations").EnumerateArray(), c => c.GetProperty("documentId").GetString() == "password-policy-2027");
        Assert.DoesNotContain("16 characters", json.RootElement.GetProperty("answer").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Can I book a squash court at the sports centre?")]
    [InlineData("Where do I get a staff parking permit?")]
    [InlineData("What is the capital of Mongolia?")]
    public async Task Ask_UnanswerableQuestion_Refuses(string question)
    {
        var (exitCode, output, _) = await RunAsync("ask", question, "--docs", TestData.Helpdesk, "--filter", "status=published", "--json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("answered").GetBoolean(), output);
        Assert.Equal("I don't have that information.", json.RootElement.GetProperty("answer").GetString());
        Assert.Empty(json.RootElement.GetProperty("citations").EnumerateArray());
    }

    [Theory]
    [InlineData("--top-k", "0")]
    [InlineData("--top-k", "101")]
    [InlineData("--filter", "novalue")]
    [InlineData("--filter", "=x")]
    [InlineData("--mode", "turbo")]
    public async Task Ask_BadOption_ExitsWithUsageErrorNamingIt(string option, string value)
    {
        var (exitCode, _, error) = await RunAsync("ask", "question", option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_MissingDocsFolder_ExitsWithUsageError()
    {
        var (exitCode, _, error) = await RunAsync("ask", "question", "--docs", "/nonexistent/folder");

        Assert.Equal(2, exitCode);
        Assert.Contains("/nonexistent/folder", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Ask_EmptyQuestion_ExitsWithUsageError(string question)
    {
        var (exitCode, output, error) = await RunAsync("ask", question);

        Assert.Equal(2, exitCode);
        Assert.Contains("question", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Ask_UnreadableFile_ExitsNamingIt()
    {
        var dir = Directory.CreateTempSubdirectory("ha-cli-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(dir, "broken.md"), [0x48, 0xC3, 0x28, 0xFF]);
            var (exitCode, _, error) = await RunAsync("ask", "question", "--docs", dir);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("broken.md", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("status=published", "refunds")] // the value has a YAML comment after it
    [InlineData("tags=billing", "refunds")] // an element of a flow list
    [InlineData("tags=invoices", "invoices")] // an element of a block list
    public async Task Ask_FrontMatterWrittenByADocsTool_FiltersOnCommentedValuesAndListElements(string filter, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("ha-cli-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "refunds.md"), "---\ntitle: Refunds\nstatus: published # reviewed\ntags: [billing, refunds]\n---\nA refund reaches the card within five days.");
            await File.WriteAllTextAsync(Path.Combine(dir, "invoices.md"), "---\ntitle: Invoices\nstatus: draft\ntags:\n  - invoices\n---\nA refund appears on the next invoice within five days.");
            var (exitCode, output, error) = await RunAsync("ask", "How long does a refund take?", "--docs", dir, "--filter", filter, "--json");

            Assert.True(exitCode == 0, error);
            using var json = JsonDocument.Parse(output);
            Assert.True(json.RootElement.GetProperty("answered").GetBoolean(), output);
            var cited = json.RootElement.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("documentId").GetString()).Distinct().ToList();
            Assert.Equal([expected], cited);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
