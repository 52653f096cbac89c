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

    private static readonly FrozenSet<string> FigureWords = new[]
    {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
        "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "million", "billion", "dozen", "half", "once",
        "twice", "single", "double", "free", "unlimited", "percent", "second", "seconds", "minute", "minutes", "hour", "hours",
        "day", "days", "week", "weeks", "month", "months", "year", "years", "daily", "weekly", "monthly", "yearly", "annually",
        "annual", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "kb", "mb", "gb", "tb", "ms",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> FigureNouns = new[]
    {
        "price", "prices", "cost", "costs", "fee", "fees", "rate", "rates", "percentage", "limit", "limits", "maximum", "minimum",
        "deadline", "date", "year", "duration", "length", "size", "amount", "number", "quota", "charge",
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
            var part = passage.Kind switch
            {
                PassageKind.LeadIn => passage.Text + " " + string.Join("; ", Items(all, passage.Block, candidate.Source, emitted)),
                PassageKind.ListItem when passage.Context is not null && LeadInOf(all, passage.Block) is { } leadIn && emitted.Add((candidate.Source, leadIn.Position)) =>
                    leadIn.Text + " " + passage.Text,
                _ => passage.Text,
            };

            if (text.Length > 0)
            {
                text.Append(' ');
            }

            // A document's own "[2]" inside the quoted text is not a citation: only the marker appended here is.
            text.Append(CitationParser.StripMarkers(part).Trim()).Append(" [").Append(candidate.Source).Append(']');
        }

        return text.ToString();
    }

    /// <summary>Whether a question asks for a figure: an amount, a price, a limit, a duration, a date.</summary>
    public static bool AsksForFigure(string question)
    {
        var words = TextAnalyzer.Words(question);
        for (var i = 0; i < words.Count; i++)
        {
            if ((words[i] == "how" && i + 1 < words.Count && words[i + 1] is "much" or "many" or "long" or "often" or "soon" or "far" or "big" or "old" or "large") ||
                ((words[i] is "what" or "which") && i + 1 < words.Count && FigureNouns.Contains(words[i + 1])) ||
                (words[i] is "price" or "prices" or "cost" or "costs" or "fee" or "fees" or "percentage" or "deadline"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a text states a figure: a digit, a number or time word, a currency sign or a percentage.</summary>
    public static bool HasFigure(string text) =>
        CitationMarker().Replace(text, string.Empty).Any(c => char.IsDigit(c) || c is '$' or '€' or '£' or '¥' or '%') || TextAnalyzer.Words(text).Any(FigureWords.Contains);

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
