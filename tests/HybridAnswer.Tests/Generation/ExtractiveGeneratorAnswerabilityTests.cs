namespace HybridAnswer.Tests.Generation;

/// <summary>
/// What the extractive generator refuses and which passage it quotes: a figure is a number standing on its own, and the
/// definition of a term the question names is quoted before sentences that only mention it.
/// </summary>
public sealed class ExtractiveGeneratorAnswerabilityTests
{
    private static GenerationRequest Request(string question, params RetrievedChunk[] sources) => ExtractiveGeneratorQuotingTests.Request(question, sources);

    [Theory]
    [InlineData("What is the maximum number of lantern entries the shelf keeps?", "The shelf keeps lantern entries as shelf@{0} for the latest entry and shelf@{1} for the one before, see commit 9cc0589.")]
    [InlineData("What is the largest lantern archive size the packer can write?", "The packer writes a lantern archive for v1.4.0 with the prefix lantern-1.4.0/ as the example shows.")]
    [InlineData("On what date will the lantern save command be removed?", "The lantern save command stores a lantern, and you can give a more descriptive name when you create one.")]
    [InlineData("How many users can I add to a lantern team account?", "If you forgot to remove a user from the lantern team account a couple of months ago, we refund the back months.")]
    public async Task GenerateAsync_FigureAskedAndSupportHasOnlyIdentifierDigitsOrPronouns_Refuses(string question, string content)
    {
        var answer = await new ExtractiveGenerator().GenerateAsync(Request(question, FakeRetriever.Chunk("lantern", content)));

        Assert.Equal(NoAnswerReason.InsufficientSupport, answer.DeclineReason);
    }

    [Fact]
    public async Task GenerateAsync_DefaultTimeoutAskedAndSupportStatesNone_Refuses()
    {
        var source = FakeRetriever.Chunk("push", "Lantern push supports the ssh, git, http and https transports for every lantern remote.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("What is the default timeout for a lantern push over https?", source));

        Assert.Equal(NoAnswerReason.InsufficientSupport, answer.DeclineReason);
    }

    [Fact]
    public async Task GenerateAsync_QuestionNamesAnOption_QuotesThatOptionsDefinition()
    {
        var source = FakeRetriever.Chunk("lantern", """
            The lantern tool can rename, trim or keep wicks, and the trim of a wick is kept in the lantern log so a rename of the wick
            can be undone.

            --trim
            Shortens the wick to the length the lantern was sold with and writes nothing else.

            --no-trim
            Leaves the wick as it is when the lantern log is replayed.
            """);

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("What does the lantern --trim option do to a wick?", source));

        Assert.Contains("--trim Shortens the wick to the length the lantern was sold with", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Leaves the wick", answer.Text, StringComparison.Ordinal);
    }
}
