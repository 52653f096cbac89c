using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace HybridAnswer;

/// <summary>
/// What kind of figure a question asks for, and whether a text states one: the extractive generator refuses a question asking for
/// a price, a count, a limit or a date when its quoted support states none. A figure is a number standing on its own ("90 days",
/// "$19", "99.99%", "20971520", "256MB"), not the digits of an identifier, a version, a section reference or an enumerator
/// ("stash@{0}", "9cc0589", "v1.4.0", "Section 2.1", "(1)").
/// </summary>
internal static partial class Figures
{
    private static readonly FrozenSet<string> NumberWords = new[]
    {
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty",
        "forty", "fifty", "sixty", "ninety", "hundred", "thousand", "million", "billion", "dozen", "half", "twice", "double",
        "unlimited", "percent", "zero",
    }.ToFrozenSet(StringComparer.Ordinal);

    // "one", "once" and "single" are numbers only beside a unit ("one day", "once a month"); elsewhere they are a pronoun
    // ("create one"), a conjunction ("once you cancel") or an adjective ("a single fix").
    private static readonly FrozenSet<string> WeakNumberWords = new[] { "one", "once", "single" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> TimeWords = new[]
    {
        "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year",
        "years", "daily", "weekly", "monthly", "yearly", "annually", "annual", "immediately", "january", "february", "march",
        "april", "june", "july", "august", "september", "october", "november", "december",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> UnitWords = new[]
    {
        "byte", "bytes", "kb", "mb", "gb", "tb", "kilobytes", "megabytes", "gigabytes", "terabytes", "percent", "times", "items",
        "entries", "characters", "words", "lines", "users", "seats",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> MoneyWords = new[]
    {
        "free", "dollar", "dollars", "usd", "eur", "euro", "euros", "cents", "gbp", "pounds",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> MoneyNouns = new[] { "price", "prices", "cost", "costs", "fee", "fees", "charge", "charges" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> DurationNouns = new[] { "timeout", "timeouts", "deadline", "duration" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> FigureNouns = new[]
    {
        "rate", "rates", "percentage", "limit", "limits", "maximum", "minimum", "max", "min", "amount", "quota", "date",
        "largest", "biggest", "smallest", "highest", "lowest", "longest", "shortest", "size",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Words after which a number names a place, not a quantity: "Section 2.1", "version 3", "step 4".
    private static readonly FrozenSet<string> ReferenceWords = new[]
    {
        "section", "sections", "version", "versions", "chapter", "article", "paragraph", "clause", "step", "part", "item",
        "figure", "table", "page", "line", "rfc", "issue", "no", "number",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// What kind of figure a question asks for, if any: an amount of money ("how much does it cost", "what is the fee"), a duration
    /// or a date ("how long", "how soon", "how many days", "what date", "the timeout in seconds"), a count ("how many users", "the
    /// maximum number of entries"), or any figure ("how much storage", "what is the limit").
    /// </summary>
    public static FigureKind AskedIn(string question)
    {
        var words = TextAnalyzer.Words(question);
        var kind = FigureKind.None;
        for (var i = 0; i < words.Count; i++)
        {
            var next = i + 1 < words.Count ? words[i + 1] : string.Empty;
            var after = i + 2 < words.Count ? words[i + 2] : string.Empty;
            if ((words[i] == "how" && next is "long" or "soon" or "often") || (words[i] == "how" && next == "many" && TimeWords.Contains(after)) ||
                (words[i] is "what" or "which" && next is "date" or "day" or "year" or "month") || DurationNouns.Contains(words[i]) ||
                (words[i] == "in" && TimeWords.Contains(next) && i > 0 && words[i - 1] is not "once" and not "one"))
            {
                return FigureKind.Duration;
            }

            if (words[i] == "how" && next == "much" && after is "does" or "do" or "is" or "are" or "will" or "would" or "did" or "it" or "for" &&
                words.Skip(i + 2).Any(w => MoneyNouns.Contains(w) || w is "pay" or "charge"))
            {
                return FigureKind.Money;
            }

            if (words[i] is "what" or "which" && words.Skip(i + 1).Take(4).Any(MoneyNouns.Contains))
            {
                return FigureKind.Money;
            }

            if ((words[i] == "how" && next == "many") || (words[i] == "number" && next == "of"))
            {
                kind = FigureKind.Count;
            }
            else if (kind == FigureKind.None && ((words[i] == "how" && next is "much" or "big" or "large" or "far" or "old") || FigureNouns.Contains(words[i])))
            {
                kind = FigureKind.Any;
            }
        }

        return kind;
    }

    /// <summary>
    /// Whether a text states the figure a question asks for (see <see cref="AskedIn"/>): a currency sign or word for money; a
    /// number or a time word for a duration; a number for a count; a number, a percentage, a time or money word for any figure. A
    /// word or number the question itself uses does not count: repeating the question states nothing.
    /// </summary>
    public static bool StatedIn(string text, FigureKind kind, string question)
    {
        if (kind == FigureKind.None)
        {
            return true;
        }

        var asked = TextAnalyzer.Words(question).ToHashSet(StringComparer.Ordinal);
        var plain = CitationMarker().Replace(text, string.Empty);
        var words = TextAnalyzer.Words(plain);
        var number = HasNumber(plain, asked) || HasNumberWord(words, asked);
        var fresh = words.Where(w => !asked.Contains(w)).ToList();
        return kind switch
        {
            FigureKind.Money => plain.Any(c => c is '$' or '€' or '£' or '¥') || fresh.Any(MoneyWords.Contains),
            FigureKind.Duration => number || fresh.Any(TimeWords.Contains),
            FigureKind.Count => number,
            _ => number || fresh.Any(TimeWords.Contains) || fresh.Any(MoneyWords.Contains),
        };
    }

    /// <summary>Whether a passage states a figure of any kind (a standalone number or a number word), for ranking.</summary>
    /// <param name="text">The passage.</param>
    /// <param name="words">The passage's <see cref="TextAnalyzer.Words"/>, which the caller has already.</param>
    public static bool HasAny(string text, List<string> words) => (HasDigit(text) && HasNumber(text, null)) || HasNumberWord(words, null);

    // A standalone number needs a decimal digit (the pattern's \d is one UTF-16 unit of category Nd, as char.IsDigit tests):
    // most passages have none, and skip the pattern.
    private static bool HasDigit(string text)
    {
        foreach (var c in text)
        {
            if (char.IsDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasNumber(string text, HashSet<string>? asked)
    {
        foreach (Match match in StandaloneNumber().Matches(text))
        {
            var digits = match.Groups["n"].Value;
            var enumerator = match.Index > 0 && text[match.Index - 1] == '(' && match.Index + digits.Length < text.Length && text[match.Index + digits.Length] == ')';
            if (!enumerator && (asked is null || !asked.Contains(digits)) && !AfterReferenceWord(text, match.Index))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasNumberWord(List<string> words, HashSet<string>? asked)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (asked is not null && asked.Contains(words[i]))
            {
                continue;
            }

            if (NumberWords.Contains(words[i]))
            {
                return true;
            }

            if (WeakNumberWords.Contains(words[i]) && words.Skip(i + 1).Take(2).Any(w => TimeWords.Contains(w) || UnitWords.Contains(w)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AfterReferenceWord(string text, int index)
    {
        var end = index;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        var start = end;
        while (start > 0 && char.IsLetter(text[start - 1]))
        {
            start--;
        }

        return end > start && ReferenceWords.Contains(text[start..end].ToLowerInvariant());
    }

    // A number not glued to an identifier: not after a letter, digit or code punctuation (v1, stash@{0}, HEAD~1, --depth=1, 1.4.0),
    // not followed by more digits of a version or by an identifier's letters and digits (9cc0589).
    [GeneratedRegex(@"(?<![\p{L}\p{N}@{~^_/=.:#-])(?<n>\d+(?:[.,]\d+)?)(?![.,]?\d)(?:%|\p{L}{1,3}(?![\p{L}\p{N}])|(?![\p{L}\p{N}}_]))")]
    private static partial Regex StandaloneNumber();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex CitationMarker();
}
