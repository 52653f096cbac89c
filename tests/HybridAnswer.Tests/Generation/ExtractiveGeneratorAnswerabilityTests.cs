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

/// <summary>What the extractive generator refuses with a semantic embedder: the default similarity threshold and names no source mentions.</summary>
public sealed class ExtractiveGeneratorSemanticAnswerabilityTests
{
    // The question is [1, 0, 0]; a sentence with the marker is `similarity` away from it; everything else is orthogonal.
    private static ScriptedEmbeddingGenerator Embedder(string marker, float similarity) => new(text =>
        text.EndsWith('?') ? [1f, 0f, 0f] : text.Contains(marker, StringComparison.Ordinal) ? [similarity, MathF.Sqrt(1 - (similarity * similarity)), 0f] : [0f, 0f, 1f]);

    [Fact]
    public async Task GenerateAsync_DefaultThreshold_ParaphraseWhoseSentenceIsModeratelySimilar_Answers()
    {
        var source = FakeRetriever.Chunk("security", "All customer data at rest is encrypted with AES-256 on every disk we operate.");
        var generator = new ExtractiveGenerator(embedder: Embedder("encrypted", 0.4f));

        var answer = await generator.GenerateAsync(ExtractiveGeneratorQuotingTests.Request("Are my stored files scrambled while they sit there?", source));

        Assert.Null(answer.DeclineReason);
        Assert.Contains("encrypted with AES-256", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_QuestionNamesAProductNoSourceMentions_Refuses()
    {
        var source = FakeRetriever.Chunk("pooling", "Connection pooling in the lantern driver is configured with the Pooling parameter of the connection string.");
        var generator = new ExtractiveGenerator(embedder: Embedder("pooling", 0.9f));

        var answer = await generator.GenerateAsync(ExtractiveGeneratorQuotingTests.Request("How do I configure connection pooling in Oracle's ODP.NET driver?", source));

        Assert.Equal(NoAnswerReason.InsufficientSupport, answer.DeclineReason);
    }

    [Theory]
    [InlineData("How do I configure connection pooling in the Lantern driver?")]
    [InlineData("Does LanternDB v3 configure connection pooling in its driver?")]
    public async Task GenerateAsync_QuestionNamesAProductTheSourceMentions_Answers(string question)
    {
        var source = FakeRetriever.Chunk("pooling", "Connection pooling in the LanternDB driver is configured with the Pooling parameter of the connection string.");
        var generator = new ExtractiveGenerator(embedder: Embedder("pooling", 0.9f));

        var answer = await generator.GenerateAsync(ExtractiveGeneratorQuotingTests.Request(question, source));

        Assert.Null(answer.DeclineReason);
    }
}
