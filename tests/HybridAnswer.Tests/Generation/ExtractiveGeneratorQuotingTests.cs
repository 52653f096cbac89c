namespace HybridAnswer.Tests.Generation;

/// <summary>What the extractive generator quotes: whole facts (a list with its lead-in, a row with its header), from one source.</summary>
public sealed class ExtractiveGeneratorQuotingTests
{
    internal static GenerationRequest Request(string question, params RetrievedChunk[] sources) => new()
    {
        Question = question,
        Mode = AnswerMode.Rag,
        Sources = sources,
        NoAnswerText = HybridAnsweringOptions.DefaultNoAnswerText,
    };

    [Fact]
    public async Task GenerateAsync_LeadInEndingInColon_QuotesTheListItemsWithIt()
    {
        var source = FakeRetriever.Chunk("returns", "# Returns\n\nBefore a kayak return is accepted, the paddler must:\n\n- clean the hull\n- attach the original receipt\n- book a drop-off slot\n\nRefunds go to the original card.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("What must a paddler do before a kayak return is accepted?", source));

        Assert.Null(answer.DeclineReason);
        Assert.Contains("must:", answer.Text, StringComparison.Ordinal);
        Assert.Contains("clean the hull", answer.Text, StringComparison.Ordinal);
        Assert.Contains("attach the original receipt", answer.Text, StringComparison.Ordinal);
        Assert.Contains("book a drop-off slot", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_QuestionAboutOneListItem_QuotesTheListWithItsLeadIn()
    {
        var source = FakeRetriever.Chunk("lockers", "Locker rentals come in these sizes:\n\n- small lockers hold one backpack\n- tall lockers hold skis and poles\n- wide lockers hold a bicycle frame");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("Which locker rentals hold skis and poles?", source));

        Assert.StartsWith("Locker rentals come in these sizes: small lockers hold one backpack; tall lockers hold skis and poles; wide lockers hold a bicycle frame [1]", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_SentenceEndingInColonBeforeAParagraph_QuotesTheParagraphWithIt()
    {
        var source = FakeRetriever.Chunk("contact", "Lantern repair requests reach the workshop through the following channel:\n\n**By post**: Lantern Workshop, 12 Quay Road.\n\nOther notes.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("Through which channel do lantern repair requests reach the workshop?", source));

        Assert.Contains("following channel: By post: Lantern Workshop, 12 Quay Road.", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_QuestionAboutOneTableRow_QuotesThatRowWithItsHeaderAndNoOtherRow()
    {
        var source = FakeRetriever.Chunk("plans", "Greenhouse plans compared.\n\n| Plan | Monthly price | Watering slots |\n|---|---|---|\n| Sprout | $4 | 2 |\n| Orchard | $19 | 40 |\n| Meadow | $9 | 10 |");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("What is the monthly price of the Orchard greenhouse plan?", source));

        Assert.Contains("Orchard — Monthly price: $19", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sprout", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Meadow", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_HardWrappedParagraph_QuotesTheWholeSentence()
    {
        var source = FakeRetriever.Chunk("storage", "Cold storage keeps every\nfrozen sample at minus eighty degrees\nfor up to ninety days. Other text follows here.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("How long does cold storage keep a frozen sample?", source));

        Assert.StartsWith("Cold storage keeps every frozen sample at minus eighty degrees for up to ninety days. [1]", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_FigureAskedButSupportStatesNone_Refuses()
    {
        var source = FakeRetriever.Chunk("membership", "Climbing gym memberships can be paused from the members page. Paused memberships keep their locker.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("How much does a climbing gym membership cost?", source));

        Assert.Equal(NoAnswerReason.InsufficientSupport, answer.DeclineReason);
        Assert.Equal(HybridAnsweringOptions.DefaultNoAnswerText, answer.Text);
    }

    [Fact]
    public async Task GenerateAsync_FigureAskedAndSupportStatesIt_Answers()
    {
        var source = FakeRetriever.Chunk("membership", "A climbing gym membership costs $35 per month. Paused memberships keep their locker.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("How much does a climbing gym membership cost?", source));

        Assert.Null(answer.DeclineReason);
        Assert.Contains("$35", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_PriceAskedButSupportStatesOnlyAPercentage_Refuses()
    {
        var source = FakeRetriever.Chunk("sla", "Every Harbor Premium workspace is guaranteed 99.5% monthly availability.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("How much does Harbor Premium cost per month?", source));

        Assert.Equal(NoAnswerReason.InsufficientSupport, answer.DeclineReason);
    }

    [Fact]
    public async Task GenerateAsync_DurationAskedAndSupportOnlyEchoesTheQuestionsWords_Refuses()
    {
        var source = FakeRetriever.Chunk("trial", "For services that offer a free trial, the length of the trial is shown when you sign up.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("How long is the free trial for services?", source));

        Assert.Equal(NoAnswerReason.InsufficientSupport, answer.DeclineReason);
    }

    [Theory]
    [InlineData("How much notice is given before a change?", "Notice of a change is given 30 days before it applies.")]
    [InlineData("Within how many days can an appeal be sent?", "An appeal can be sent within 14 calendar days of the decision.")]
    [InlineData("How many seats does the starter workspace include?", "The starter workspace includes five seats and one admin.")]
    public async Task GenerateAsync_FigureAskedAndStated_Answers(string question, string content)
    {
        var answer = await new ExtractiveGenerator().GenerateAsync(Request(question, FakeRetriever.Chunk("doc", content)));

        Assert.Null(answer.DeclineReason);
    }

    [Fact]
    public async Task GenerateAsync_SentenceIntroducingAShortCommand_QuotesTheCommandWithIt()
    {
        var source = FakeRetriever.Chunk("tool", "To rebuild the lantern index from scratch, run:\n\n```\n$ lantern index --rebuild\n```\n\nIt takes a while.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("How do I rebuild the lantern index from scratch?", source));

        Assert.Contains("To rebuild the lantern index from scratch, run: `$ lantern index --rebuild`", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_DateAskedAndSupportOnlyRepeatsTheQuestionsNumber_Refuses()
    {
        var source = FakeRetriever.Chunk("support", "Version 4.2 of the lantern tool is supported on every platform listed above.");

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("On what date will the lantern tool drop support for version 4.2?", source));

        Assert.Equal(NoAnswerReason.InsufficientSupport, answer.DeclineReason);
    }
}
