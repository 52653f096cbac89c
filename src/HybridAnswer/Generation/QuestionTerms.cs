using System.Text.RegularExpressions;

namespace HybridAnswer;

/// <summary>
/// How the extractive generator reads a question's words against its sources: whole tokens (an option such as "--purge"), a
/// derived form matched by its long prefix, the term a definition paragraph defines, and the names a question uses ("Oracle",
/// "ODP.NET", "GPLv3") that no retrieved source mentions at all.
/// </summary>
internal static partial class QuestionTerms
{
    /// <summary>Whether <paramref name="term"/> (stemmed) is among <paramref name="terms"/>, or shares a long prefix with one (refund/refundable).</summary>
    public static bool Matches(string term, HashSet<string> terms)
    {
        if (terms.Contains(term))
        {
            return true;
        }

        // Derived forms the stemmer leaves apart (refund/refundable, deliver/delivery) share a long prefix.
        if (term.Length < 5)
        {
            return false;
        }

        foreach (var other in terms)
        {
            if (other.Length >= 5 && (other.StartsWith(term, StringComparison.Ordinal) || term.StartsWith(other, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the passage belongs to the definition of a term the question names word for word: the definition of an option
    /// answers "what does --purge do" better than a sentence that merely mentions it. Tokens are compared whole ("--no-rename"
    /// does not define "--rename"); one of an option's aliases is enough ("-P, --purge"), a term in words needs all of them
    /// ("hold", not "Phased Updates" for a question about updates); a parenthesised aside in the term is left out.
    /// </summary>
    public static bool DefinesAskedTerm(Passage passage, HashSet<string> questionTokens)
    {
        if (passage.Term is null)
        {
            return false;
        }

        var term = Tokens(Parenthesised().Replace(passage.Term, " "));
        return term.Count > 0 && (term.Any(t => t[0] == '-' && questionTokens.Contains(t)) || term.All(questionTokens.Contains));
    }

    /// <summary>
    /// <see cref="DefinesAskedTerm"/> for one question over passages read in order: the sentences of a definition paragraph share
    /// its term, which is tokenized once for all of them rather than once per sentence. Not thread-safe: one per question.
    /// </summary>
    public static Func<Passage, bool> DefinesAskedTermOnce(HashSet<string> questionTokens)
    {
        string? term = null;
        var defines = false;
        return passage =>
        {
            if (passage.Term is not null && !string.Equals(passage.Term, term, StringComparison.Ordinal))
            {
                term = passage.Term;
                defines = DefinesAskedTerm(passage, questionTokens);
            }

            return passage.Term is not null && defines;
        };
    }

    /// <summary>The text's whole tokens, lower-cased, without surrounding punctuation; stop words left out.</summary>
    public static HashSet<string> Tokens(string text)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split([' ', ',', '|', '=', '\t', '/'], StringSplitOptions.RemoveEmptyEntries))
        {
            var token = Trim(raw).ToLowerInvariant();
            if (token.Length >= 2 && !TextAnalyzer.IsStopWord(token))
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    /// <summary>
    /// The first name the question uses that none of the sources mentions, or <see langword="null"/>. A name is a word with a
    /// capital inside it or after a sentence's first word ("Oracle", "ODP.NET", "PgBouncer"), or letters and digits together
    /// ("GPLv3"; not a version such as "v3": a name has two letters at least); it is mentioned when each of its terms is among the sources' terms ("GPLv3" by "GPL"). A question about a
    /// product the documents never name is not answered from a neighbouring product's page.
    /// </summary>
    public static string? NameNoSourceMentions(string question, IReadOnlyCollection<HashSet<string>> sources)
    {
        foreach (var name in Names(question))
        {
            var terms = TextAnalyzer.Terms(name);
            if (terms.Count > 0 && !sources.Any(s => terms.All(t => Matches(t, s) || Matches(LettersOf(t), s))))
            {
                return name;
            }
        }

        return null;
    }

    private static IEnumerable<string> Names(string question)
    {
        var sentenceStart = true;
        foreach (var raw in question.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var word = Possessive().Replace(Trim(raw), string.Empty);
            var first = sentenceStart;
            sentenceStart = raw.EndsWith('.') || raw.EndsWith('?') || raw.EndsWith('!') || raw.EndsWith(':');
            if (word.Count(char.IsLetter) < 2 || TextAnalyzer.IsStopWord(word.ToLowerInvariant()))
            {
                continue;
            }

            var innerCapital = word.Skip(1).Any(char.IsUpper);
            var lettersAndDigits = word.Any(char.IsDigit);
            if (innerCapital || lettersAndDigits || (!first && char.IsUpper(word[0])))
            {
                yield return word;
            }
        }
    }

    /// <summary>A name's letters before its first digit, without a version's "v" ("gplv3" → "gpl"); the term itself otherwise.</summary>
    private static string LettersOf(string term)
    {
        var digit = term.AsSpan().IndexOfAnyInRange('0', '9');
        if (digit <= 0)
        {
            return term;
        }

        var letters = term[..digit].TrimEnd('v');
        return letters.Length >= 3 ? letters : term;
    }

    private static string Trim(string raw) => raw.Trim('"', '\'', '(', ')', '[', ']', '<', '>', '.', ',', ';', ':', '?', '!', '`', '*', '\u2019', '\u201c', '\u201d');

    [GeneratedRegex(@"['\u2019]s$")]
    private static partial Regex Possessive();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthesised();
}
