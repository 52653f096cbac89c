namespace HybridAnswer.Tests.Generation;

/// <summary>What counts as the figure a question asks for: a number standing on its own, not an identifier's or a version's digits.</summary>
public sealed class FiguresTests
{
    [Theory]
    [InlineData("What is the maximum number of stash entries kept before old ones are dropped?", "stash@{0} is the latest entry, stash@{1} is the one before; see commit 9cc0589.")]
    [InlineData("What is the largest file size the archive tool can write?", "Create a tarball for v1.4.0 with the prefix git-1.4.0/ as shown.")]
    [InlineData("On what date will the save command be removed?", "A stash is listed by its message, but you can give a more descriptive one when you create one.")]
    [InlineData("How many widgets can a board hold?", "Widgets are described in Section 2.1 and (1) placed on the board as listed in step 4.")]
    [InlineData("How many users can I add to a team account?", "If you forgot to remove a user a couple of months ago, we refund the back months.")]
    [InlineData("What is the default timeout for a push over HTTPS?", "The tool supports ssh, git, http and https transports.")]
    public void StatedIn_NoStandaloneNumber_IsFalse(string question, string text)
    {
        Assert.NotEqual(FigureKind.None, Figures.AskedIn(question));
        Assert.False(Figures.StatedIn(text, Figures.AskedIn(question), question));
    }

    [Theory]
    [InlineData("How many days are reflog entries kept?", "Entries older than this are removed; defaults to 90 days.")]
    [InlineData("What uptime percentage is guaranteed each month?", "Teams are guaranteed 99.99% uptime each month.")]
    [InlineData("How much memory is requested for the cache at startup?", "The cache starts at 20971520 bytes.")]
    [InlineData("How many seats does the starter workspace include?", "The starter workspace includes five seats and one admin.")]
    [InlineData("What is the default timeout in seconds?", "The connection gives up after 30 seconds (see the notes).")]
    [InlineData("How many words may the cover text have?", "A cover text may be at most 5 words.")]
    [InlineData("How often are backups taken?", "Backups are taken once a day.")]
    public void StatedIn_StandaloneNumber_IsTrue(string question, string text)
    {
        Assert.NotEqual(FigureKind.None, Figures.AskedIn(question));
        Assert.True(Figures.StatedIn(text, Figures.AskedIn(question), question));
    }

    [Theory]
    [InlineData("How many users can I add?", "Count")]
    [InlineData("What is the maximum number of entries?", "Count")]
    [InlineData("What is the default timeout for a push?", "Duration")]
    [InlineData("How many seconds does it wait for the lock?", "Duration")]
    [InlineData("What is the largest package size in megabytes?", "Any")]
    [InlineData("How do I cancel my account?", "None")]
    public void AskedIn_ReadsTheKindOfFigure(string question, string expected) =>
        Assert.Equal(expected, Figures.AskedIn(question).ToString());
}
