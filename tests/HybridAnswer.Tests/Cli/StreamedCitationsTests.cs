using HybridAnswer.Cli;
using HybridAnswer.Tests.OpenAiStub;

namespace HybridAnswer.Tests.Cli;

/// <summary>Issue 23 (Also): <c>ask --stream</c> shows only the markers the finished answer keeps.</summary>
public sealed class StreamedCitationsTests : IDisposable
{
    private readonly DirectoryInfo _docs = Directory.CreateTempSubdirectory("hybrid-answer-stream-");

    public StreamedCitationsTests() =>
        File.WriteAllText(Path.Combine(_docs.FullName, "returns.md"), "# Returns\n\nItems can be returned within 30 days of delivery for a full refund.\n");

    public void Dispose() => _docs.Delete(recursive: true);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(100)]
    public void Push_InvalidMarkersSplitAcrossPieces_DroppedValidOnesKept(int pieceLength)
    {
        const string reply = "You have 30 days [1]. Shipping [99] is free [1, 7]. See [2] and [x] or [12a] [";
        var filter = new StreamedCitations(sourceCount: 1);

        var shown = string.Concat(reply.Chunk(pieceLength).Select(p => filter.Push(new string(p)))) + filter.Flush();

        Assert.Equal("You have 30 days [1]. Shipping is free [1]. See and [x] or [12a] [", shown);
    }

    [Fact]
    public async Task AskStream_ReplyWithAMarkerThatCitesNothing_StreamedTextIsTheFinalAnswer()
    {
        const string reply = "You have 30 days [1]. Shipping [99] is free [1, 7].";
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: reply));
        string[] ask = ["ask", "How many days do I have to return items?", "--docs", _docs.FullName, "--endpoint", stub.Endpoint.ToString(), "--api-key", "k"];

        var (streamExit, streamed, streamError) = await CliRun.RunAsync([.. ask, "--stream"]);
        var (exit, plain, error) = await CliRun.RunAsync(ask);

        Assert.True(streamExit == 0, streamError);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("[99]", FirstLine(streamed), StringComparison.Ordinal);
        Assert.Equal(FirstLine(plain), FirstLine(streamed));
        Assert.Equal("You have 30 days [1]. Shipping is free [1].", FirstLine(streamed));
    }

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd();
}
