using System.Globalization;
using System.Text;

namespace HybridAnswer.Tests.Text;

public sealed class TextAnalyzerTests
{
    // The core's TextAnalyzer, by reflection: the PostgreSQL package links the same file into the same namespace, so the name is
    // ambiguous in this assembly.
    private static readonly Func<string, List<string>> Words = typeof(HybridAnswerer).Assembly.GetType("HybridAnswer.TextAnalyzer", throwOnError: true)!
        .GetMethod("Words", [typeof(string)])!.CreateDelegate<Func<string, List<string>>>();

    [Theory]
    [InlineData("Customer's order: 30 Days!", new[] { "customer", "s", "order", "30", "days" })]
    [InlineData("don\u2019t", new[] { "don", "t" })]
    [InlineData("Straße ÉCOLE naïve", new[] { "straße", "école", "naïve" })]
    [InlineData("x\U0001D400Y", new[] { "x\U0001D400y" })]
    public void Words_Text_LowerCasedLetterAndDigitRuns(string text, string[] expected) =>
        Assert.Equal(expected, Words(text));

    [Fact]
    public void Words_MixedScriptsAndSurrogates_SameAsAStringPerCharacter()
    {
        // The tokenizer appends each lower-cased rune without a string per character, and normalises only non-ASCII words; the
        // reference below is the way it was written before (issue 22, s22e): the words must be the same on any text.
        var alphabet = new[]
        {
            "a", "Z", "7", " ", "'", "\u2019", "-", ".", "É", "ß", "İ", "ı", "\u0301", "\u00A0", "Ω", "ж", "Ж", "中", "٣", "\U0001D400",
            "\U0001F600", "ﬁ", "Ǆ", "\t", "\n", "e\u0301", "\u1100\u1161", "\u1100", "\uD800", "\uDC00", "\u0130", "K",
        };
        var random = new Random(22);
        for (var i = 0; i < 2_000; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(0, 24); n > 0; n--)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            Assert.Equal(Reference(text.ToString()), Words(text.ToString()));
        }
    }

    private static List<string> Reference(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                current.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString().Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture));
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString().Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture));
        }

        return words;
    }
}
