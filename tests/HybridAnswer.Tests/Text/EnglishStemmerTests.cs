namespace HybridAnswer.Tests.Text;

/// <summary>The Snowball English stemmer gives the stems PostgreSQL's <c>english_stem</c> dictionary gives (the expected values are
/// <c>ts_lexize('english_stem', word)</c> on PostgreSQL 15).</summary>
public sealed class EnglishStemmerTests
{
    [Theory]
    [InlineData("configuration", "configur")]
    [InlineData("configure", "configur")]
    [InlineData("configured", "configur")]
    [InlineData("communication", "communic")]
    [InlineData("generously", "generous")]
    [InlineData("dependencies", "depend")]
    [InlineData("dependency", "depend")]
    [InlineData("installation", "instal")]
    [InlineData("installs", "instal")]
    [InlineData("automatically", "automat")]
    [InlineData("upgrading", "upgrad")]
    [InlineData("removal", "remov")]
    [InlineData("policy", "polici")]
    [InlineData("happily", "happili")]
    [InlineData("running", "run")]
    [InlineData("hopping", "hop")]
    [InlineData("hoped", "hope")]
    [InlineData("agreed", "agre")]
    [InlineData("cries", "cri")]
    [InlineData("ties", "tie")]
    [InlineData("relational", "relat")]
    [InlineData("national", "nation")]
    [InlineData("dying", "die")]
    [InlineData("skies", "sky")]
    [InlineData("news", "news")]
    [InlineData("caresses", "caress")]
    [InlineData("knives", "knive")]
    [InlineData("consolatory", "consolatori")]
    public void Stem_EnglishWord_StemOfPostgreSqlEnglishConfiguration(string word, string stem) =>
        Assert.Equal(stem, EnglishStemmer.Stem(word));

    [Theory]
    [InlineData("pc00777x")]
    [InlineData("7731")]
    [InlineData("is")]
    public void Stem_CodeNumberOrShortWord_Unchanged(string word) => Assert.Equal(word, EnglishStemmer.Stem(word));
}
