using System.Text.Json;
using HybridAnswer.Cli;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>
/// Issue 23, "Also": a model reply with HTML, script and terminal control sequences, over HTTP. <c>ask</c> prints it without
/// control characters; <c>ask --json</c> keeps <c>answer</c> verbatim (the contract) and adds <c>answerHtml</c>, safe to show.
/// </summary>
public sealed class AskCommandHostileReplyTests : IDisposable
{
    private const string Reply = "<script>alert(1)</script><img src=x onerror=alert(1)>\u001b[2J\u001b]0;owned\u0007 You have 30 days [1].";

    private readonly DirectoryInfo _docs = Directory.CreateTempSubdirectory("hybrid-answer-hostile-reply-");

    public AskCommandHostileReplyTests() =>
        File.WriteAllText(Path.Combine(_docs.FullName, "returns.md"), "# Returns\n\nItems can be returned within 30 days of delivery for a full refund.\n");

    public void Dispose() => _docs.Delete(recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ask_HostileReply_PrintsNoControlCharacters(bool stream)
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: Reply));

        var (code, output, error) = await AskAsync(stub, stream ? ["--stream"] : []);

        Assert.True(code == 0, error);
        Assert.DoesNotContain(output, c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t');
        Assert.Contains("You have 30 days [1].", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskJson_HostileReply_AnswerVerbatimAndAnswerHtmlEncoded()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: Reply));

        var (code, output, error) = await AskAsync(stub, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var answer = json.RootElement.GetProperty("answer").GetString()!;
        var html = json.RootElement.GetProperty("answerHtml").GetString()!;
        Assert.Contains("<script>", answer, StringComparison.Ordinal);
        Assert.DoesNotContain('<', html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.EndsWith("You have 30 days [1].", html, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Out, string Err)> AskAsync(OpenAiStubServer stub, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(["ask", "How many days do I have to return items?", "--docs", _docs.FullName, "--endpoint", stub.Endpoint.ToString(), "--api-key", "k", .. more], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
