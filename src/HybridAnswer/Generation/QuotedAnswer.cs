using System.Text;

namespace HybridAnswer;

/// <summary>A passage the extractive generator may quote, with the source it came from (1-based) and its score for the question.</summary>
internal sealed record Candidate(int Source, Passage Passage, IReadOnlyList<string> Matched, double Score)
{
    public int Position => Passage.Position;
}

/// <summary>
/// What the extractive generator quotes once it has scored the passages: the best passage and up to two more from the same
/// source that add to it (never sentences from a lower-ranked source, never items of another list or table spliced in); a lead-in
/// with its list's items, an item after its lead-in.
/// </summary>
internal static class QuotedAnswer
{
    private const int MaxListItems = 8;

    // A list of this many items or fewer is quoted whole whichever item the question is about: its items read as one fact. A
    // longer one is quoted by the items that support the question. (Measured against a length rule, whole when its items total at
    // most 400 characters: that lost a question whose answer was the whole of a long list.)
    private const int ShortList = 5;

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
                            chosen.Any(c => c.Passage.Kind is PassageKind.Sentence or PassageKind.LeadIn && Math.Abs(c.Position - candidate.Position) == 1 &&
                                            c.Passage.Paragraph == candidate.Passage.Paragraph);
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
            // A list is quoted with its lead-in, whichever of them was chosen: the lead-in alone says nothing and an item alone loses
            // what it is an item of. A sentence ending in a colon is finished by what follows it.
            var leadIn = Introduces(all, passage) ? passage : passage.LeadIn >= 0 ? all[passage.LeadIn] : null;
            string part;
            if (leadIn is not null && (leadIn == passage || emitted.Add((candidate.Source, leadIn.Position))))
            {
                part = leadIn.Text + " " + string.Join("; ", Items(all, leadIn, chosen, candidate.Source, emitted));
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

    private static bool SplicesAnotherBlock(List<Candidate> chosen, Candidate candidate) =>
        candidate.Passage.Kind is PassageKind.ListItem or PassageKind.TableRow &&
        chosen.Any(c => c.Passage.Kind is PassageKind.ListItem or PassageKind.TableRow or PassageKind.LeadIn && c.Passage.Block != candidate.Passage.Block);

    /// <summary>Whether the passage introduces list items: a lead-in sentence, or an item whose nested list (or code) it introduces.</summary>
    private static bool Introduces(List<Passage> passages, Passage passage) =>
        passage.Kind == PassageKind.LeadIn || (passage.Text.EndsWith(':') && passages.Any(p => p.LeadIn == passage.Position));

    /// <summary>
    /// The items quoted after a lead-in: a short list whole; of a longer one the items chosen for the question (those that support
    /// it), or its first <see cref="MaxListItems"/> when the question is about the list as a whole (only the lead-in was chosen).
    /// An item that introduces a nested list (or code) brings its own items, chosen the same way.
    /// </summary>
    private static IEnumerable<string> Items(List<Passage> passages, Passage leadIn, List<Candidate> chosen, int source, HashSet<(int, int)> emitted, bool nested = false)
    {
        var items = passages.Where(p => p.Kind == PassageKind.ListItem && p.LeadIn == leadIn.Position).ToList();
        if (items.Count > ShortList)
        {
            var supporting = items.Where(i => chosen.Any(c => c.Source == source && c.Position == i.Position)).ToList();
            items = supporting.Count > 0 ? supporting : items;
        }

        foreach (var item in items.Take(MaxListItems))
        {
            emitted.Add((source, item.Position));
            yield return !nested && Introduces(passages, item)
                ? item.Text + " " + string.Join("; ", Items(passages, item, chosen, source, emitted, nested: true))
                : item.Text;
        }
    }
}
