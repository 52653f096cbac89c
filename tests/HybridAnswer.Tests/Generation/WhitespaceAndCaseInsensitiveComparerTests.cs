namespace HybridAnswer.Tests.Generation;

/// <summary>The packing duplicate check compares texts as the split, join and upper-casing it replaced did, without the copies.</summary>
public sealed class WhitespaceAndCaseInsensitiveComparerTests
{
    [Fact]
    public void EqualsAndHash_RandomTexts_AgreeWithSplitJoinUpper()
    {
        // Letters of two cases, a non-ASCII letter, and every kind of whitespace the old Split((char[])null) split on.
        const string alphabet = "aAbBéÉ \t\n\r\u00A0\u2003";
        var random = new Random(7);
        string Text() => new([.. Enumerable.Range(0, random.Next(0, 9)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

        var comparer = WhitespaceAndCaseInsensitiveComparer.Instance;
        for (var i = 0; i < 20_000; i++)
        {
            var (x, y) = (Text(), Text());
            var same = Normalize(x) == Normalize(y);
            Assert.Equal(same, comparer.Equals(x, y));
            if (same)
            {
                Assert.Equal(comparer.GetHashCode(x), comparer.GetHashCode(y));
            }
        }
    }

    [Theory]
    [InlineData("Returns  within\n30 days", " returns within 30 DAYS ", true)]
    [InlineData("ab", "a b", false)]
    [InlineData("", "   ", true)]
    [InlineData("a", "", false)]
    public void Equals_Examples(string x, string y, bool expected) =>
        Assert.Equal(expected, WhitespaceAndCaseInsensitiveComparer.Instance.Equals(x, y));
}
