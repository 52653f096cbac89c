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

    [Fact]
    public void Parse_CommentAfterValue_IsNotPartOfTheValue()
    {
        var document = KnowledgeDocumentLoader.Parse("refunds", "---\nstatus: published # reviewed by legal\n---\nBody.");

        Assert.Equal("published", document.Metadata["status"]);
    }

    [Fact]
    public void Parse_FlowList_IsMultiValued()
    {
        var document = KnowledgeDocumentLoader.Parse("refunds", "---\ntags: [billing, \"refunds, partial\"]\n---\nBody.");

        Assert.Equal(["billing", "refunds, partial"], document.MultiValuedMetadata["tags"]);
        Assert.False(document.Metadata.ContainsKey("tags"));
    }

    [Fact]
    public void Parse_BlockList_IsMultiValued()
    {
        var document = KnowledgeDocumentLoader.Parse("refunds", "---\ntitle: Refunds\ntags:\n  - billing\n  - refunds\nstatus: published\n---\nBody.");

        Assert.Equal(["billing", "refunds"], document.MultiValuedMetadata["tags"]);
        Assert.Equal("published", document.Metadata["status"]);
        Assert.Equal("Refunds", document.Title);
    }

    [Fact]
    public void Parse_NumbersBooleansAndQuotedText_KeepTheirYamlText()
    {
        var document = KnowledgeDocumentLoader.Parse("d", "---\nversion: 1.10\ndraft: false\nowner: 'Ann # not a comment'\ncount: 007\n---\nBody.");

        Assert.Equal("1.10", document.Metadata["version"]);
        Assert.Equal("false", document.Metadata["draft"]);
        Assert.Equal("Ann # not a comment", document.Metadata["owner"]);
        Assert.Equal("007", document.Metadata["count"]);
    }

    [Fact]
    public void Parse_NestedMap_FlattenedWithDots()
    {
        var document = KnowledgeDocumentLoader.Parse("d", "---\nproduct:\n  name: kettle\n  model: EK-17\n  regions: [eu, uk]\n---\nBody.");

        Assert.Equal("kettle", document.Metadata["product.name"]);
        Assert.Equal("EK-17", document.Metadata["product.model"]);
        Assert.Equal(["eu", "uk"], document.MultiValuedMetadata["product.regions"]);
        Assert.False(document.Metadata.ContainsKey("product"));
    }

    [Fact]
    public void Parse_FlattenedKeyClashesWithDottedKey_InvalidDataExceptionWithLine()
    {
        var e = Assert.Throws<InvalidDataException>(() => KnowledgeDocumentLoader.Parse("d", "---\nproduct.name: a\nproduct:\n  name: b\n---\nBody.", "docs/d.md"));

        Assert.Contains("'docs/d.md' line 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("product.name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NullAndEmptyValues_AreLeftOut()
    {
        var document = KnowledgeDocumentLoader.Parse("d", "---\nowner:\nreviewer: ~\nnote: \"\"\ntags: []\nlabels: [a, null, b]\nstatus: published\n---\nBody.");

        Assert.Equal(["status"], document.Metadata.Keys);
        Assert.Equal(["labels"], document.MultiValuedMetadata.Keys);
        Assert.Equal(["a", "b"], document.MultiValuedMetadata["labels"]);
    }

    [Theory]
    [InlineData("---\ntitle: X\ntags: [a, b\n---\nBody.", 3)]
    [InlineData("---\ntitle: X\nstatus: published\n  bad: indent\n---\nBody.", 4)]
    [InlineData("---\ntitle: X\nstatus: a\nstatus: b\n---\nBody.", 4)]
    [InlineData("---\ntitle: X\ntags:\n  - [nested, list]\n---\nBody.", 4)]
    [InlineData("---\nbase: &b x\nother: *b\n---\nBody.", 3)]
    [InlineData("---\ntitle: [a, b]\n---\nBody.", 2)]
    [InlineData("---\n- just\n- a list\n---\nBody.", 2)]
    public void Parse_MalformedYaml_InvalidDataExceptionNamingFileAndLine(string text, int line)
    {
        var e = Assert.Throws<InvalidDataException>(() => KnowledgeDocumentLoader.Parse("d", text, "docs/d.md"));

        Assert.StartsWith($"'docs/d.md' line {line}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MapsNestedTooDeep_InvalidDataException()
    {
        var yaml = string.Concat(Enumerable.Range(0, 40).Select(i => new string(' ', i * 2) + "k" + i + ":\n")) + new string(' ', 80) + "leaf: x";
        var e = Assert.Throws<InvalidDataException>(() => KnowledgeDocumentLoader.Parse("d", "---\n" + yaml + "\n---\nBody.", "docs/d.md"));

        Assert.Contains("nested", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CommentsOnlyFrontMatter_NoMetadataAndBodyAfterIt()
    {
        var document = KnowledgeDocumentLoader.Parse("d", "---\n# just a comment\n\n---\n# Heading\nBody.");

        Assert.Empty(document.Metadata);
        Assert.Empty(document.MultiValuedMetadata);
        Assert.Equal("Heading", document.Title);
        Assert.StartsWith("# Heading", document.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadDirectoryAsync_MalformedYamlInOneFile_ReportsItAndReadsTheOthers()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "bad.md"), "---\ntags: [a, b\n---\nBody.");
        await File.WriteAllTextAsync(Path.Combine(_dir, "good.md"), "---\ntags: [a, b]\n---\nBody.");

        var result = await KnowledgeDocumentLoader.ReadDirectoryAsync(_dir);

        Assert.Equal(["good"], result.Documents.Select(d => d.Id));
        Assert.Equal(["a", "b"], result.Documents[0].MultiValuedMetadata["tags"]);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("bad.md", failure.Path);
        Assert.Contains("line 2", failure.Reason, StringComparison.Ordinal);
    }
}
