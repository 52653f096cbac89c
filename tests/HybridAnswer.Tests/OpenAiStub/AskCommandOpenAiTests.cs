using HybridAnswer.Cli;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary><c>hybrid-answer ask --endpoint ...</c> end to end, in process, against the local OpenAI-compatible stub.</summary>
public sealed class AskCommandOpenAiTests : IDisposable
{
    private const string Question = "How many days do I have to return items for a refund?";

    private readonly DirectoryInfo _docs = Directory.CreateTempSubdirectory("hybrid-answer-ask-");

    public AskCommandOpenAiTests()
    {
        File.WriteAllText(Path.Combine(_docs.FullName, "returns.md"), "# Returns\n\nItems can be returned within 30 days of delivery for a full refund. Return shipping is free.\n");
        File.WriteAllText(Path.Combine(_docs.FullName, "shipping.md"), "# Shipping\n\nStandard shipping takes 3 to 5 business days.\n");
    }

    public void Dispose() => _docs.Delete(recursive: true);

    [Fact]
    public async Task Ask_WithEndpoint_CallsTheServerWithModelAndKeyAndPrintsTheCitedAnswer()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "You have 30 days to return items [1].", PromptTokens: 210, CompletionTokens: 12));

        var (code, output, error) = await RunAsync("ask", Question, "--docs", _docs.FullName, "--endpoint", stub.Endpoint.ToString(), "--api-key", "k");

        Assert.True(code == 0, error);
        var sent = Assert.Single(stub.Requests);
        Assert.Equal("gpt-4o-mini", sent.Model);
        Assert.Equal("Bearer k", sent.Authorization);
        Assert.False(sent.Stream);
        Assert.Contains("Items can be returned within 30 days", sent.Prompt, StringComparison.Ordinal);
        Assert.StartsWith("You have 30 days to return items [1].", output, StringComparison.Ordinal);
        Assert.Contains("[1] Returns (returns", output, StringComparison.Ordinal);
        Assert.Contains("model gpt-4o-mini", output, StringComparison.Ordinal);
        Assert.Contains("tokens 210 in, 12 out", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_Stream_SendsStreamTrueAndPrintsTheAnswer()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "You have 30 days to return items [1]."));

        var (code, output, error) = await RunAsync("ask", Question, "--docs", _docs.FullName, "--endpoint", stub.Endpoint.ToString(), "--api-key", "k", "--stream");

        Assert.True(code == 0, error);
        Assert.True(Assert.Single(stub.Requests).Stream);
        Assert.StartsWith("You have 30 days to return items [1].", output, StringComparison.Ordinal);
        Assert.Contains("Sources:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_HybridWithFineTunedModel_SendsTheFineTunedModelId()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "30 days, friend [1]."));

        var (code, _, error) = await RunAsync("ask", Question, "--docs", _docs.FullName, "--endpoint", stub.Endpoint.ToString(), "--api-key", "k",
            "--mode", "hybrid", "--base-model", "llama3", "--fine-tuned-model", "ft:gpt-4o-mini:acme::abc123");

        Assert.True(code == 0, error);
        var sent = Assert.Single(stub.Requests);
        Assert.Equal("ft:gpt-4o-mini:acme::abc123", sent.Model);
        Assert.Contains("brand voice", sent.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_ServerRejects_ExitsWithOneClearError()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Status: 401));

        var (code, _, error) = await RunAsync("ask", Question, "--docs", _docs.FullName, "--endpoint", stub.Endpoint.ToString(), "--api-key", "wrong");

        Assert.Equal(1, code);
        Assert.Contains("error: The Rag answer could not be generated: model 'gpt-4o-mini' failed", error, StringComparison.Ordinal);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Ask_ModelOptionsWithoutEndpoint_UsageError()
    {
        var (code, _, error) = await RunAsync("ask", Question, "--docs", _docs.FullName, "--base-model", "gpt-4o");

        Assert.Equal(2, code);
        Assert.Contains("need --endpoint", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_BadEndpoint_UsageError()
    {
        var (code, _, error) = await RunAsync("ask", Question, "--endpoint", "not a url");

        Assert.Equal(2, code);
        Assert.Contains("--endpoint must be an absolute http or https URL", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
