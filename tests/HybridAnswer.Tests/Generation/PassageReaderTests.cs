namespace HybridAnswer.Tests.Generation;

/// <summary>How a chunk's Markdown lists are read into quotable passages: nested items, task boxes, escapes, fences in items.</summary>
public sealed class PassageReaderTests
{
    [Fact]
    public void Read_NestedListUnderAnItemEndingInColon_NestedItemsAreItemsOfTheirOwnWithTheParentAsLeadIn()
    {
        var passages = PassageReader.Read("Release steps:\n\n* Build the lantern.\n* Announce the release:\n  * Notify the mailing list.\n  * Post on the forum.\n* Tag the commit.");

        var notify = Assert.Single(passages, p => p.Text == "Notify the mailing list.");
        var announce = Assert.Single(passages, p => p.Text == "Announce the release:");
        var tag = Assert.Single(passages, p => p.Text == "Tag the commit.");
        Assert.Equal(PassageKind.ListItem, notify.Kind);
        Assert.Equal(announce.Position, notify.LeadIn);
        Assert.Equal("Announce the release:", notify.Context);
        Assert.NotEqual(announce.Block, notify.Block);

        // Back at the outer level: the list's own lead-in again.
        var leadIn = Assert.Single(passages, p => p.Kind == PassageKind.LeadIn);
        Assert.Equal(leadIn.Position, tag.LeadIn);
        Assert.Equal(leadIn.Position, announce.LeadIn);
        Assert.Equal(announce.Block, tag.Block);
    }

    [Fact]
    public void Read_NestedListUnderAnItemWithoutColon_NestedItemsStandAlone()
    {
        var passages = PassageReader.Read("* Publish the build\n  * Upload the archive.\n  * Update the download page.");

        var upload = Assert.Single(passages, p => p.Text == "Upload the archive.");
        Assert.Equal(-1, upload.LeadIn);
        Assert.Null(upload.Context);
        Assert.NotEqual(Assert.Single(passages, p => p.Text == "Publish the build").Block, upload.Block);
    }

    [Theory]
    [InlineData("* [ ] 2\\. Send the pre-release announcement", "2. Send the pre-release announcement")]
    [InlineData("- [x] Check the **lantern** logs", "Check the lantern logs")]
    [InlineData("- [X] Rotate the keys \\(monthly\\)", "Rotate the keys (monthly)")]
    [InlineData("* Use `a\\.b` as the pattern", "Use `a\\.b` as the pattern")]
    public void Read_TaskBoxesEscapesAndEmphasis_AreStrippedLikeOtherMarkdownNoise(string line, string expected)
    {
        var passage = Assert.Single(PassageReader.Read(line));

        Assert.Equal(expected, passage.Text);
    }

    [Fact]
    public void Read_FencedCodeInsideAnItem_NeverPartOfASentenceAndShortCodeIsQuotedWithItsItem()
    {
        var passages = PassageReader.Read(
            "* Tag the release:\n  ```text\n  lantern tag v1.2\n  ```\n* Upload the archive and check that the mirror has it before you go on.\n  ```\n  one\n  two\n  three\n  four\n  five\n  ```\n* Close the milestone.");

        Assert.DoesNotContain(passages, p => p.Text.Contains("```", StringComparison.Ordinal) || p.Text.Contains("five", StringComparison.Ordinal));
        var tag = Assert.Single(passages, p => p.Text == "Tag the release:");
        var code = Assert.Single(passages, p => p.Text == "`lantern tag v1.2`");
        Assert.Equal(tag.Position, code.LeadIn);

        // The list goes on after the fences: the last item is still an item of the first list.
        Assert.Equal(tag.Block, Assert.Single(passages, p => p.Text == "Close the milestone.").Block);
    }

    [Fact]
    public void Read_FenceTextFlattenedIntoALine_IsNotQuoted()
    {
        var passage = Assert.Single(PassageReader.Read("* Except for the mirrors: ```text lantern sync --all ``` run it once."));

        Assert.DoesNotContain("```", passage.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("lantern sync", passage.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LinkWhoseTextIsCode_KeepsTheCodeAndDropsTheTarget()
    {
        var passage = Assert.Single(PassageReader.Read("* [`lantern shell <version>`](COMMANDS.md#lantern-shell) -- select just for the current session"));

        Assert.Equal("`lantern shell <version>` -- select just for the current session", passage.Text);
    }

    [Theory]
    [InlineData("Resets the current branch to <commit> and keeps the index.", "Resets the current branch to <commit> and keeps the index.")]
    [InlineData("Run it as <faulty command> to see <b>every</b> step.", "Run it as <faulty command> to see every step.")]
    [InlineData("See <https://lantern.example/docs> or <xref:Lantern.Mirror.Sync*?displayProperty=nameWithType> for more.", "See https://lantern.example/docs or for more.")]
    public void Read_AnglePlaceholdersAndAutolinks_AreTextWhileHtmlTagsAreStripped(string line, string expected)
    {
        var passage = Assert.Single(PassageReader.Read(line));

        Assert.Equal(expected, passage.Text);
    }
}
