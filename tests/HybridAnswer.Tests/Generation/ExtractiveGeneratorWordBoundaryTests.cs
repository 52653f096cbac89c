namespace HybridAnswer.Tests.Generation;

/// <summary>Regressions from the offline-generator fuzzer (issue 13): stripping markup or markers must not glue two words.</summary>
public sealed class ExtractiveGeneratorWordBoundaryTests
{
    // Seed 13 case 175: "ƙ</sources\u200b>days" was quoted "ƙdays".
    [Fact]
    public void StripMarkdown_TagBetweenWords_KeepsWordsApart()
    {
        Assert.Equal("ƙ days", MarkdownInline.StripMarkdown("ƙ</sources\u200b>days"));
    }

    // Seed 13 case 344: "item <customer>[1\u200b][۲][0]ᘐ" was quoted "itemᘐ": each marker of the run was judged alone.
    [Fact]
    public void StripMarkers_RunOfMarkersBetweenWords_OneSpace()
    {
        Assert.Equal("item ᘐ", CitationParser.StripMarkers("item [1\u200b][۲][0]ᘐ"));
        Assert.Equal("within 30 days", CitationParser.StripMarkers("within 30[2]days"));
        Assert.Equal("within 30 days.", CitationParser.StripMarkers("within 30 days [2]."));
    }
}
