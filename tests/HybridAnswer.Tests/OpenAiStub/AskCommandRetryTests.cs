using System.Collections.Concurrent;
using System.Diagnostics;
using HybridAnswer.Cli;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>
/// Issue 23, failure 2: <c>ask --endpoint</c> retries transient model failures (429, 500, 503), bounded, honouring
/// <c>Retry-After</c>, over HTTP with the real Microsoft.Extensions.AI.OpenAI client against the local stub.
/// </summary>
public sealed class AskCommandRetryTests : IDisposable
{
    private const string Question = "How many days do I have to return items for a refund?";

    private readonly DirectoryInfo _docs = Directory.CreateTempSubdirectory("hybrid-answer-retry-");
    private readonly ConcurrentQueue<TimeSpan> _arrivals = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public AskCommandRetryTests() =>
        File.WriteAllText(Path.Combine(_docs.FullName, "returns.md"), "# Returns\n\nItems can be returned within 30 days of delivery for a full refund.\n");

    public void Dispose() => _docs.Delete(recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ask_ServerAnswers429Once_RetriesAndAnswers(bool stream)
    {
        await using var stub = Stub((_, n) => n == 0 ? new StubReply(Status: 429) : new StubReply(Text: "You have 30 days [1]."));

        var (code, output, error) = await AskAsync(stub, stream ? ["--stream"] : []);

        Assert.True(code == 0, error);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Contains("You have 30 days [1].", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_503WithRetryAfter_WaitsThatLongThenAnswers()
    {
        await using var stub = Stub((_, n) => n == 0 ? new StubReply(Status: 503, RetryAfter: "2") : new StubReply(Text: "You have 30 days [1]."));

        var (code, output, error) = await AskAsync(stub);

        Assert.True(code == 0, error);
        Assert.Contains("30 days", output, StringComparison.Ordinal);
        var times = _arrivals.ToArray();
        Assert.Equal(2, times.Length);
        Assert.InRange((times[1] - times[0]).TotalSeconds, 1.9, 10);
    }

    [Fact]
    public async Task Ask_500Always_FourAttemptsThenExitOneNamingTheStatus()
    {
        await using var stub = Stub((_, _) => new StubReply(Status: 500, RetryAfter: "0"));

        var (code, _, error) = await AskAsync(stub);

        Assert.Equal(1, code);
        Assert.Equal(4, stub.Requests.Count);
        Assert.Contains("500", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_RetryAfterLongerThanTheLongestWait_NotRetriedEarlyAndSaysSo()
    {
        // Retrying after 30 s when the server asked for 10 minutes would only be refused again: fail at once, saying why.
        await using var stub = Stub((_, _) => new StubReply(Status: 429, RetryAfter: "600"));

        var (code, _, error) = await AskAsync(stub);

        Assert.Equal(1, code);
        Assert.Single(stub.Requests);
        Assert.Contains("Retry-After", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_NotTransient400_NeverRetried()
    {
        await using var stub = Stub((_, _) => new StubReply(Status: 400));

        var (code, _, _) = await AskAsync(stub);

        Assert.Equal(1, code);
        Assert.Single(stub.Requests);
    }

    private OpenAiStubServer Stub(Func<StubRequest, int, StubReply> reply) => new((request, n) =>
    {
        _arrivals.Enqueue(_clock.Elapsed);
        return reply(request, n);
    });

    private async Task<(int Code, string Out, string Err)> AskAsync(OpenAiStubServer stub, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(["ask", Question, "--docs", _docs.FullName, "--endpoint", stub.Endpoint.ToString(), "--api-key", "k", .. more], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
