using HybridAnswer.Tests.Cli;

namespace HybridAnswer.Tests.Knowledge;

/// <summary>
/// Issue 23, failure 1: a knowledge folder must never leak files outside it through symbolic links (to files, to folders,
/// chains of links, <c>..</c> in targets). Each test builds a root folder beside an "outside" folder holding a secret.
/// </summary>
public sealed class KnowledgeFilesLinkTests : IDisposable
{
    private const string Secret = "SECRET-OUTSIDE-FILE api_key=hunter2";

    private readonly string _base = Directory.CreateTempSubdirectory("ha-links-").FullName;
    private readonly string _root;
    private readonly string _outside;

    public KnowledgeFilesLinkTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_base, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_base, "outside")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret.md"), "# Outside secret\n\n" + Secret + "\n");
        File.WriteAllText(Path.Combine(_root, "good.md"), "# Good\n\nReturns are accepted within 30 days.\n");
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public async Task ReadDirectoryAsync_LinksOutOfTheFolder_NeverReadEachReportedByName()
    {
        // Absolute link to a file, relative link with "..", a chain of links ending outside, a link to a folder outside,
        // and a link whose path inside the root climbs out through a linked folder.
        File.CreateSymbolicLink(Path.Combine(_root, "absolute.md"), Path.Combine(_outside, "secret.md"));
        File.CreateSymbolicLink(Path.Combine(_root, "dots.md"), "../outside/secret.md");
        File.CreateSymbolicLink(Path.Combine(_root, "hop.md"), "../outside/secret.md");
        File.CreateSymbolicLink(Path.Combine(_root, "chain.md"), "hop.md");
        Directory.CreateSymbolicLink(Path.Combine(_root, "linked"), _outside);
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        File.CreateSymbolicLink(Path.Combine(_root, "sub", "climb.md"), "./../../outside/./secret.md");

        var result = await KnowledgeDocumentLoader.ReadDirectoryAsync(_root);

        Assert.Equal(["good"], result.Documents.Select(d => d.Id));
        Assert.DoesNotContain(result.Documents, d => d.Content.Contains("hunter2", StringComparison.Ordinal));
        Assert.Equal(["absolute.md", "chain.md", "dots.md", "hop.md", "linked", "sub/climb.md"], result.Failures.Select(f => f.Path));
        Assert.All(result.Failures, f => Assert.Contains("outside the folder", f.Reason, StringComparison.Ordinal));

        // Never a document id: a syncing ingest removes a copy stored before this rule instead of keeping it.
        Assert.All(result.Failures, f => Assert.Null(f.DocumentId));
    }

    [Fact]
    public async Task ReadDirectoryAsync_LinksInsideTheFolder_FollowedByDefaultSkippedWhenOff()
    {
        // The target folder is hidden (never walked itself), so its file is read only by following a link to it.
        Directory.CreateDirectory(Path.Combine(_root, ".store"));
        File.WriteAllText(Path.Combine(_root, ".store", "inner.md"), "# Inner\n\nShipping takes 3 days.\n");
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), ".store");
        File.CreateSymbolicLink(Path.Combine(_root, "z-inside.md"), Path.Combine(_root, ".store", "inner.md"));

        var followed = await KnowledgeDocumentLoader.ReadDirectoryAsync(_root);
        var strict = await KnowledgeDocumentLoader.ReadDirectoryAsync(_root, new KnowledgeLoaderOptions { FollowSymbolicLinks = false });

        // A file reached through links inside the root is read once, under its first path in ordinal order.
        Assert.Equal(["alias/inner", "good"], followed.Documents.Select(d => d.Id));
        Assert.Empty(followed.Failures);
        Assert.Equal(["good"], strict.Documents.Select(d => d.Id));
        Assert.Equal(["alias", "z-inside.md"], strict.Failures.Select(f => f.Path));
        Assert.All(strict.Failures, f => Assert.Contains("FollowSymbolicLinks", f.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadDirectoryAsync_RootItselfALink_FilesUnderItsTargetRead()
    {
        var link = Path.Combine(_base, "root-link");
        Directory.CreateSymbolicLink(link, _root);
        File.CreateSymbolicLink(Path.Combine(_root, "out.md"), "../outside/secret.md");

        var result = await KnowledgeDocumentLoader.ReadDirectoryAsync(link);

        Assert.Equal(["good"], result.Documents.Select(d => d.Id));
        Assert.Equal("out.md", Assert.Single(result.Failures).Path);
    }

    [Fact]
    public async Task Ask_DocsWithALinkToASecretOutside_NeverQuotesItAndNamesTheSkippedFile()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "passwd.md"), Path.Combine(_outside, "secret.md"));

        var (exit, output, error) = await CliRun.RunAsync("ask", "what is the api_key in the outside secret?", "--docs", _root, "--min-score", "-1");

        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        Assert.Contains("passwd.md", error, StringComparison.Ordinal);
        Assert.Contains("outside the folder", error, StringComparison.Ordinal);
        Assert.Equal(3, exit);
    }

    [Fact]
    public async Task Ask_DocsWithAnUnreadableFile_AnswersFromTheOthersExitThreeLikeIngest()
    {
        File.WriteAllBytes(Path.Combine(_root, "broken.md"), [0x23, 0x20, 0xC3, 0x28, 0x0A]);

        var (exit, output, error) = await CliRun.RunAsync("ask", "Within how many days are returns accepted?", "--docs", _root);

        Assert.Equal(3, exit);
        Assert.Contains("30 days", output, StringComparison.Ordinal);
        Assert.Contains("warning: skipped 'broken.md'", error, StringComparison.Ordinal);
    }
}
