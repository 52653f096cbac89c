using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace HybridAnswer;

/// <summary>A passage the extractive generator may quote, with the source it came from (1-based) and its score for the question.</summary>
internal sealed record Candidate(int Source, Passage Passage, IReadOnlyList<string> Matched, double Score)
{
    public int Position => Passage.Position;
}

/// <summary>
/// What the extractive generator quotes once it has scored the passages: the best passage and up to two more from the same
/// source that add to it (never sentences from a lower-ranked source, never items of another list or table spliced in); a lead-in
/// with its list's items, an item after its lead-in; and whether a text states a figure at all.
/// </summary>
internal static partial class QuotedAnswer
{
    private const int MaxListItems = 8;

    private static readonly FrozenSet<string> NumberWords = new[]
    {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
        "twenty", "thirty", "forty", "fifty", "sixty", "ninety", "hundred", "thousand", "million", "billion", "dozen", "half",
        "once", "twice", "single", "double", "unlimited", "percent",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> TimeWords = new[]
    {
        "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year",
        "years", "daily", "weekly", "monthly", "yearly", "annually", "annual", "immediately", "january", "february", "march",
        "april", "june", "july", "august", "september", "october", "november", "december",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> MoneyWords = new[]
    {
        "free", "dollar", "dollars", "usd", "eur", "euro", "euros", "cents", "gbp", "pounds",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> MoneyNouns = new[] { "price", "prices", "cost", "costs", "fee", "fees", "charge", "charges" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> FigureNouns = new[]
    {
        "rate", "rates", "percentage", "limit", "limits", "maximum", "minimum", "max", "min", "deadline", "duration", "amount",
        "quota", "date", "largest", "biggest", "smallest", "highest", "lowest", "longest", "shortest",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Picks the passages to quote: the best one, then passages of the same source that add a question term or continue it.</summary>
    public static List<Candidate> Choose(List<Candidate> candidates, int max)
    {
        var ranked = candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Source).ThenBy(c => c.Position).ToList();
        var top = ranked[0];
        var chosen = new List<Candidate> { top };
        var covered = top.Matched.ToHashSet(StringComparer.Ordinal);
        foreach (var candidate in ranked.Skip(1))
        {
            if (chosen.Count == max || candidate.Score < top.Score * 0.5)
            {
                break;
            }

            // One source is quoted: support spliced from another document answers a question nobody asked.
            if (candidate.Source != top.Source || SplicesAnotherBlock(chosen, candidate))
            {
                continue;
            }

            var addsTerm = candidate.Matched.Any(t => !covered.Contains(t));
            // The next sentence of a paragraph continues it; the next row or item of a list is another fact.
            var continues = candidate.Passage.Kind is PassageKind.Sentence or PassageKind.LeadIn &&
                            chosen.Any(c => c.Passage.Kind is PassageKind.Sentence or PassageKind.LeadIn && Math.Abs(c.Position - candidate.Position) == 1);
            if (addsTerm || continues)
            {
                chosen.Add(candidate);
                covered.UnionWith(candidate.Matched);
            }
        }

        return chosen;
    }

    /// <summary>Writes the chosen passages in document order, each followed by its citation; a lead-in brings its items, an item its lead-in.</summary>
    public static string Compose(List<Candidate> chosen, IReadOnlyDictionary<int, List<Passage>> passages)
    {
        var text = new StringBuilder();
        var emitted = new HashSet<(int Source, int Position)>();
        foreach (var candidate in chosen.OrderBy(c => c.Source).ThenBy(c => c.Position))
        {
            var passage = candidate.Passage;
            if (!emitted.Add((candidate.Source, passage.Position)))
            {
                continue;
            }

            var all = passages[candidate.Source];
            // A list is quoted whole with its lead-in (up to MaxListItems), whichever of them was chosen: the lead-in alone says
            // nothing and an item alone loses what it is an item of. A sentence ending in a colon is finished by what follows it.
            var leadIn = passage.Kind == PassageKind.LeadIn ? passage : passage.Kind == PassageKind.ListItem ? LeadInOf(all, passage.Block) : null;
            string part;
            if (leadIn is not null && (leadIn == passage || emitted.Add((candidate.Source, leadIn.Position))))
            {
                part = leadIn.Text + " " + string.Join("; ", Items(all, leadIn.Block, candidate.Source, emitted));
            }
            else if (passage.Kind == PassageKind.Sentence && passage.Text.EndsWith(':') && passage.Position + 1 < all.Count && emitted.Add((candidate.Source, passage.Position + 1)))
            {
                part = passage.Text + " " + all[passage.Position + 1].Text;
            }
            else
            {
                part = passage.Text;
            }

            if (text.Length > 0)
            {
                text.Append(' ');
            }

            // A document's own "[2]" inside the quoted text is not a citation: only the marker appended here is.
            text.Append(CitationParser.StripMarkers(part).Trim()).Append(" [").Append(candidate.Source).Append(']');
        }

        return text.ToString();
    }

    /// <summary>
    /// What kind of figure a question asks for, if any: an amount of money ("how much does it cost", "what is the fee"), a
    /// duration ("how long", "how soon", "how many days"), or any figure ("how many", "how much storage", "what is the limit").
    /// </summary>
    public static FigureKind AsksForFigure(string question)
    {
        var words = TextAnalyzer.Words(question);
        var kind = FigureKind.None;
        for (var i = 0; i < words.Count; i++)
        {
            var next = i + 1 < words.Count ? words[i + 1] : string.Empty;
            var after = i + 2 < words.Count ? words[i + 2] : string.Empty;
            if ((words[i] == "how" && next is "long" or "soon" or "often") || (words[i] == "how" && next == "many" && TimeWords.Contains(after)) ||
                (words[i] is "what" or "which" && next is "date" or "day" or "year" or "month"))
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

            if ((words[i] == "how" && next is "much" or "many" or "big" or "large" or "far" or "old") || FigureNouns.Contains(words[i]))
            {
                kind = FigureKind.Any;
            }
        }

        return kind;
    }

    /// <summary>
    /// Whether a text states the figure a question asks for (see <see cref="AsksForFigure"/>): a currency sign or word for money;
    /// a number or a time word for a duration; a digit, a number word, a percentage or a time word for any figure. A word the
    /// question itself uses ("free", "days") does not count: repeating the question states nothing.
    /// </summary>
    public static bool HasFigure(string text, FigureKind kind, string question)
    {
        var asked = TextAnalyzer.Words(question).ToHashSet(StringComparer.Ordinal);
        var plain = CitationMarker().Replace(text, string.Empty);
        var words = TextAnalyzer.Words(plain).Where(w => !asked.Contains(w)).ToList();
        var number = words.Any(w => w.Any(char.IsDigit) || NumberWords.Contains(w));
        return kind switch
        {
            FigureKind.None => true,
            FigureKind.Money => plain.Any(c => c is '$' or '€' or '£' or '¥') || words.Any(MoneyWords.Contains),
            FigureKind.Duration => number || words.Any(TimeWords.Contains),
            _ => number || plain.Contains('%', StringComparison.Ordinal) || words.Any(TimeWords.Contains) || words.Any(MoneyWords.Contains),
        };
    }

    private static bool SplicesAnotherBlock(List<Candidate> chosen, Candidate candidate) =>
        candidate.Passage.Kind is PassageKind.ListItem or PassageKind.TableRow &&
        chosen.Any(c => c.Passage.Kind is PassageKind.ListItem or PassageKind.TableRow or PassageKind.LeadIn && c.Passage.Block != candidate.Passage.Block);

    private static Passage? LeadInOf(List<Passage> passages, int block) =>
        passages.FirstOrDefault(p => p.Kind == PassageKind.LeadIn && p.Block == block);

    private static IEnumerable<string> Items(List<Passage> passages, int block, int source, HashSet<(int, int)> emitted)
    {
        foreach (var item in passages.Where(p => p.Kind == PassageKind.ListItem && p.Block == block).Take(MaxListItems))
        {
            emitted.Add((source, item.Position));
            yield return item.Text;
        }
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex CitationMarker();
}
