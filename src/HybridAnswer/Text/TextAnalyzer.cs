using System.Collections.Frozen;
using System.Globalization;
using System.Text;

// Linked as source into HybridAnswer.DecisionFramework (shipped packages share no internals); there it lives in that
// package's namespace, so an assembly that sees both packages' internals (the tests) finds one TextAnalyzer per namespace.
#if HYBRIDANSWER_DECISIONFRAMEWORK
namespace HybridAnswer.DecisionFramework;
#else
namespace HybridAnswer;
#endif

/// <summary>
/// The one tokenizer behind keyword scoring, the hashing embedder and the extractive generator,
/// so that all three agree on what a "term" is: lower-cased letter/digit runs, English stop
/// words removed, and a light suffix-stripping stemmer (shipping/shipped/ships → ship).
/// </summary>
internal static class TextAnalyzer
{
    private static readonly FrozenSet<string> StopWords = new[]
    {
        "a", "about", "above", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
        "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further",
        "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "itself", "just", "let", "me", "more", "most", "my", "myself", "no", "nor", "not",
        "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own",
        "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
        "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
        "with", "would", "you", "your", "yours", "yourself", "s", "t", "d", "ll", "m", "re", "ve",
        "get", "got", "tell", "please", "know", "want", "need", "also", "much", "many", "us", "may", "might", "must",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly char[] TokenPunctuation = ['?', '!', '.', ',', ';', ':', '"', '\'', '(', ')', '[', ']', '\u2018', '\u2019', '\u201C', '\u201D'];

    /// <summary>Splits text into lower-cased word tokens (letter and digit runs), stop words included.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var ascii = true;
        Span<char> utf16 = stackalloc char[2];
        for (var i = 0; i < text.Length; i++)
        {
            // ASCII without decoding a rune (the rune path gives the same: letters and digits kept, A–Z lower-cased).
            var c = text[i];
            if (char.IsAscii(c))
            {
                if (char.IsAsciiLetterOrDigit(c))
                {
                    current.Append(char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c);
                    continue;
                }
            }
            else
            {
                // A lone surrogate decodes to U+FFFD, one unit long, as EnumerateRunes yields it: not a letter, so a separator.
                Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var length);
                i += length - 1;
                if (Rune.IsLetterOrDigit(rune))
                {
                    // The lower-cased rune's UTF-16 units, appended without a string per character.
                    var lower = Rune.ToLowerInvariant(rune);
                    ascii &= lower.IsAscii;
                    current.Append(utf16[..lower.EncodeToUtf16(utf16)]);
                    continue;
                }
            }

            // Anything else ends the word; an apostrophe too: "customer's" → "customer" + "s" (a stop word), "don't" → "don" + "t".
            Flush(words, current, ascii);
            ascii = true;
        }

        Flush(words, current, ascii);
        return words;
    }

    /// <summary>Returns the stemmed content terms of a text, in order, stop words removed.</summary>
    public static List<string> Terms(string text) => Terms(text, Stem);

    /// <summary>Returns the content terms of a text, in order, stop words removed, each stemmed by <paramref name="stem"/>.</summary>
    public static List<string> Terms(string text, Func<string, string> stem) => Terms(Words(text), stem);

    /// <summary>Returns the content terms of <paramref name="words"/> (a text's <see cref="Words"/>), in order, stop words removed, each stemmed by <paramref name="stem"/>.</summary>
    public static List<string> Terms(List<string> words, Func<string, string> stem)
    {
        var terms = new List<string>(words.Count);
        foreach (var word in words)
        {
            if (!IsStopWord(word))
            {
                terms.Add(stem(word));
            }
        }

        return terms;
    }

    /// <summary>
    /// Returns the text without its stop-word tokens (whitespace-separated tokens whose letters, lower-cased and stripped of
    /// surrounding punctuation, are a stop word); every other token is kept as written, so a code such as "QX-7731" stays whole.
    /// A keyword ranking with its own analyzer (PostgreSQL's <c>english</c> configuration, whose stop list is shorter) gets the
    /// question this way, so that "need", "know" or "want" do not rank chunks there while they do not here.
    /// </summary>
    public static string WithoutStopWords(string text)
    {
        var kept = new StringBuilder(text.Length);
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var bare = token.Trim(TokenPunctuation);
            if (bare.Length > 0 && IsStopWord(bare.ToLowerInvariant()))
            {
                continue;
            }

            kept.Append(kept.Length == 0 ? string.Empty : " ").Append(token);
        }

        return kept.ToString();
    }

    /// <summary>Returns whether a lower-cased word is an English stop word.</summary>
    public static bool IsStopWord(string word) => StopWords.Contains(word);

    /// <summary>A light, deterministic English stemmer: conflates plural, -ing, -ed and final -e forms; leaves numbers and codes alone.</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || !char.IsLetter(word[^1]))
        {
            return word;
        }

        var w = word;
        if (w.EndsWith("ies", StringComparison.Ordinal) && w.Length > 4)
        {
            w = string.Concat(w.AsSpan(0, w.Length - 3), "y");
        }
        else if (w.EndsWith("sses", StringComparison.Ordinal))
        {
            w = w[..^2];
        }
        else if (w.EndsWith("es", StringComparison.Ordinal) && w.Length > 4 &&
                 (w.EndsWith("xes", StringComparison.Ordinal) || w.EndsWith("ches", StringComparison.Ordinal) || w.EndsWith("shes", StringComparison.Ordinal) || w.EndsWith("zes", StringComparison.Ordinal)))
        {
            w = w[..^2];
        }
        else if (w[^1] == 's' && w[^2] != 's' && w[^2] != 'u' && w[^2] != 'i')
        {
            w = w[..^1];
        }

        if (w.EndsWith("ing", StringComparison.Ordinal) && w.Length > 5)
        {
            w = UndoubleConsonant(w[..^3]);
        }
        else if (w.EndsWith("ed", StringComparison.Ordinal) && w.Length > 4)
        {
            w = UndoubleConsonant(w[..^2]);
        }

        if (w.Length > 3 && w[^1] == 'e')
        {
            w = w[..^1];
        }

        return w;
    }

    /// <summary>Splits text into sentences on terminal punctuation and line breaks.</summary>
    public static List<string> Sentences(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var end = c == '\n' ||
                      ((c == '.' || c == '!' || c == '?') && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])) && !EndsWithAbbreviation(text, start, i));
            if (end)
            {
                Add(sentences, text, start, i + 1);
                start = i + 1;
            }
        }

        Add(sentences, text, start, text.Length);
        return sentences;
    }

    private static bool EndsWithAbbreviation(string text, int start, int dot)
    {
        // "e.g.", "i.e.", "approx." and decimal-like tokens should not end a sentence.
        var wordStart = dot;
        while (wordStart > start && !char.IsWhiteSpace(text[wordStart - 1]))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, dot - wordStart);
        return word.Equals("e.g", StringComparison.OrdinalIgnoreCase) || word.Equals("i.e", StringComparison.OrdinalIgnoreCase) ||
               word.Equals("approx", StringComparison.OrdinalIgnoreCase) || word.Equals("etc", StringComparison.OrdinalIgnoreCase) ||
               word.Equals("no", StringComparison.OrdinalIgnoreCase) || word.Equals("vs", StringComparison.OrdinalIgnoreCase) ||
               word.Equals("mr", StringComparison.OrdinalIgnoreCase) || word.Equals("ms", StringComparison.OrdinalIgnoreCase) ||
               word.Equals("dr", StringComparison.OrdinalIgnoreCase);
    }

    private static void Add(List<string> sentences, string text, int start, int end)
    {
        var sentence = text[start..end].Trim();
        if (sentence.Length > 0)
        {
            sentences.Add(sentence);
        }
    }

    private static string UndoubleConsonant(string w)
    {
        if (w.Length >= 3 && w[^1] == w[^2] && w[^1] is not ('l' or 's' or 'z' or 'a' or 'e' or 'i' or 'o' or 'u'))
        {
            return w[..^1];
        }

        return w;
    }

    // Lower-cased ASCII letters and digits are already composed and lower case: only other text is normalised again.
    private static void Flush(List<string> words, StringBuilder current, bool ascii)
    {
        if (current.Length > 0)
        {
            var word = current.ToString();
            words.Add(ascii ? word : word.Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture));
            current.Clear();
        }
    }
}
