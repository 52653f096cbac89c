namespace HybridAnswer.Tests.Knowledge;

public sealed class KnowledgeDocumentLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ha-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task LoadDirectoryAsync_FrontMatter_GivesTitleMetadataAndRelativeId()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "policies"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "policies", "returns.md"), "---\ntitle: \"Returns\"\nstatus: draft\ntags:\n  - a\n---\n# Heading\n\nBody text.");
        await File.WriteAllTextAsync(Path.Combine(_dir, "notes.txt"), "# Notes title\nplain");
        await File.WriteAllTextAsync(Path.Combine(_dir, "ignored.json"), "{}");

        var docs = await KnowledgeDocumentLoader.LoadDirectoryAsync(_dir);

        Assert.Equal(["notes", "policies/returns"], docs.Select(d => d.Id));
        var returns = docs[1];
        Assert.Equal("Returns", returns.Title);
        Assert.Equal("draft", returns.Metadata["status"]);
        Assert.False(returns.Metadata.ContainsKey("title"));
        Assert.StartsWith("# Heading", returns.Content, StringComparison.Ordinal);
        Assert.Equal("Notes title", docs[0].Title);
    }

    [Fact]
    public async Task LoadDirectoryAsync_MissingFolder_ThrowsDirectoryNotFound()
    {
        var e = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => KnowledgeDocumentLoader.LoadDirectoryAsync(Path.Combine(_dir, "nope")));
        Assert.Contains("nope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadDirectoryAsync_InvalidUtf8_NamesTheFile()
    {
        await File.WriteAllBytesAsync(Path.Combine(_dir, "bad.md"), [0x48, 0xC3, 0x28, 0xFF]);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => KnowledgeDocumentLoader.LoadDirectoryAsync(_dir));
        Assert.Contains("bad.md", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedFrontMatter_Throws()
    {
        var e = Assert.Throws<InvalidDataException>(() => KnowledgeDocumentLoader.Parse("x", "---\ntitle: X\nbody"));
        Assert.Contains("never closed", e.Message, StringComparison.Ordinal);
    }
}
