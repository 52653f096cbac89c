namespace HybridAnswer.Tests.Generation;

/// <summary>What the extractive generator quotes from lists: nested checklists, long lists, lists split over chunks.</summary>
public sealed class ExtractiveGeneratorListTests
{
    private static GenerationRequest Request(string question, params RetrievedChunk[] sources) => ExtractiveGeneratorQuotingTests.Request(question, sources);

    private static readonly string Checklist = string.Join('\n',
        "# Releasing",
        "",
        "## Pre-release",
        "",
        "* [ ] 1\\. Freeze the lantern branch two days before the release.",
        "* [ ] 2\\. Send the pre-release announcement:",
        "  * Notify the lantern community on the mailing list one week ahead, with the planned date and the list of",
        "    changes that need testing, so that downstream packagers can prepare their own builds in time.",
        "  * [ ] Run the announcement helper from a clean checkout of the release branch:",
        "    ```text",
        "    lantern announce --pre-release --date 2026-01-10",
        "    ```",
        "    Except for security releases, which are announced only after the fix is public.",
        "  * Tell the teams that ship the lantern in their own images, before anyone else outside the project:",
        "    * the container images team",
        "    * the build working group",
        "    * the distribution packagers",
        "  * Post the schedule on the project forum under the releases category, pinned for a week.",
        "  * Ask the documentation team to prepare the release notes page and its translations.");

    [Fact]
    public async Task GenerateAsync_ChecklistItemLargerThanAChunk_QuotesTheNestedItemNotTheWholeChecklist()
    {
        var chunker = new DocumentChunker(new ChunkingOptions { TargetSize = 400, Overlap = 50 });
        var chunks = chunker.Chunk(new KnowledgeDocument("releasing", "Releasing", Checklist))
            .Select(c => FakeRetriever.Chunk(c.ChunkId, c.Content)).ToArray();

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("How long before the release is the lantern community notified on the mailing list?", chunks));

        Assert.Null(answer.DeclineReason);
        Assert.Contains("one week ahead", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("```", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("[ ]", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\.", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("build working group", answer.Text, StringComparison.Ordinal);
        Assert.True(answer.Text.Length < 400, $"{answer.Text.Length} characters: {answer.Text}");
    }

    [Fact]
    public async Task GenerateAsync_QuestionAboutANestedList_QuotesItsParentWithItsItems()
    {
        var source = FakeRetriever.Chunk("releasing", Checklist);

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("Which teams that ship the lantern in their own images are told before anyone else?", source));

        Assert.StartsWith("Tell the teams that ship the lantern in their own images, before anyone else outside the project: the container images team; the build working group; the distribution packagers [1]", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_QuestionAboutOneItemOfALongList_QuotesTheLeadInWithThatItemOnly()
    {
        var items = string.Join('\n', new[]
        {
            "`LANTERN_ROOT` sets the folder the lantern keeps its state in.",
            "`LANTERN_CACHE` sets the folder downloaded archives are cached in.",
            "`LANTERN_MIRROR` overrides the default mirror with one of your own.",
            "`LANTERN_SKIP_MIRROR` makes the lantern download from the original site instead of a mirror.",
            "`LANTERN_PROXY` sends every download through the given proxy.",
            "`LANTERN_JOBS` sets how many builds run at once.",
            "`LANTERN_COLOR` turns coloured output on or off.",
            "`LANTERN_DEBUG` prints every command the lantern runs.",
            "`LANTERN_KEEP` keeps the build folder after a successful build.",
            "`LANTERN_TIMEOUT` sets how long a download may stall before it is retried.",
        }.Select(i => "* " + i));
        var source = FakeRetriever.Chunk("variables", "You can set these environment variables to control the lantern:\n\n" + items);

        var answer = await new ExtractiveGenerator().GenerateAsync(Request("Which environment variable makes the lantern download from the original site instead of a mirror?", source));

        Assert.StartsWith("You can set these environment variables to control the lantern: `LANTERN_SKIP_MIRROR` makes the lantern download from the original site instead of a mirror.", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("LANTERN_JOBS", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("LANTERN_ROOT", answer.Text, StringComparison.Ordinal);
    }
}
