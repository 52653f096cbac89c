using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HybridAnswer;

/// <summary>
/// Finds <c>[n]</c> and <c>[n, m]</c> markers in answer text and maps them to the sources they cite. Only ASCII digits in ASCII
/// brackets are markers: <c>\d</c> would also match Arabic-Indic or full-width digits, which <see cref="int.Parse(string)"/>
/// rejects, so one such character in a reply (or in a quoted document) used to throw from every answer that contained it.
/// </summary>
internal static partial class CitationParser
{
    [GeneratedRegex(@"\[([0-9]{1,3}(?:[ \t]*,[ \t]*[0-9]{1,3})*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    // Anything a reader could take for a citation marker: any decimal digits (any script) in ASCII, full-width or lenticular
    // brackets, with or without spaces and commas. Used to neutralise markers inside quoted document text.
    // The look-behind keeps the leading-space run linear: a match can only start at the first space of a run (a long run of
    // spaces with no marker after it was quadratic).
    [GeneratedRegex(@"(?<![ \t])[ \t]*[\[\uFF3B\u3010\u3014\u3016\u301A\u27E6][\s\p{Cf}]*\p{Nd}+(?:[\s\p{Cf}]*[,\uFF0C\u3001][\s\p{Cf}]*\p{Nd}+)*[\s\p{Cf}]*[\]\uFF3D\u3011\u3015\u3017\u301B\u27E7]", RegexOptions.CultureInvariant)]
    private static partial Regex AnyMarker();

    /// <summary>
    /// Removes everything shaped like a citation marker from quoted text (a document's own "[2]" is not a citation of source 2),
    /// repeatedly, so that "[[2]1]" cannot collapse into a new "[1]".
    /// </summary>
    public static string StripMarkers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < 100 && AnyMarker().IsMatch(text); i++)
        {
            text = RemoveMarkerRuns(text);
        }

        // Any marker still left (only after 100 nested rounds) loses its brackets: it can then never parse as a citation.
        return AnyMarker().IsMatch(text) || Marker().IsMatch(text) ? text.Replace('[', '(').Replace(']', ')') : text;
    }

    // "within 30[2]days" keeps its words apart: a run of markers between two word characters becomes one space. The run is judged
    // as a whole: "item [1][2][0]x" judged marker by marker saw only brackets beside each marker and glued "itemx" (fuzzer, seed 13).
    private static string RemoveMarkerRuns(string text)
    {
        var result = new StringBuilder(text.Length);
        var copied = 0;
        var match = AnyMarker().Match(text);
        while (match.Success)
        {
            var start = match.Index;
            var end = match.Index + match.Length;
            match = match.NextMatch();
            while (match.Success && match.Index == end)
            {
                end = match.Index + match.Length;
                match = match.NextMatch();
            }

            result.Append(text, copied, start - copied);
            if (start > 0 && char.IsLetterOrDigit(text[start - 1]) && end < text.Length && char.IsLetterOrDigit(text[end]))
            {
                result.Append(' ');
            }

            copied = end;
        }

        return result.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>Returns the cited sources in order of first mention, and the marker numbers that point at no source.</summary>
    public static (IReadOnlyList<Citation> Citations, IReadOnlyList<int> Invalid) Parse(string text, IReadOnlyList<RetrievedChunk> sources)
    {
        var citations = new List<Citation>();
        var invalid = new List<int>();
        var seen = new HashSet<int>();
        foreach (Match match in Marker().Matches(text))
        {
            foreach (var part in match.Groups[1].Value.Split(','))
            {
                var number = int.Parse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
                if (!seen.Add(number))
                {
                    continue;
                }

                if (number < 1 || number > sources.Count)
                {
                    invalid.Add(number);
                    continue;
                }

                var source = sources[number - 1];
                citations.Add(new Citation
                {
                    Index = number,
                    DocumentId = source.DocumentId,
                    ChunkId = source.ChunkId,
                    Title = source.Title,
                    Score = source.Score,
                    SourceUri = source.SourceUri,
                });
            }
        }

        return (citations, invalid);
    }

    /// <summary>Removes the given marker numbers from the text: <c>[7]</c> disappears, <c>[1, 7]</c> becomes <c>[1]</c>.</summary>
    public static string RemoveMarkers(string text, IReadOnlyCollection<int> numbers)
    {
        if (numbers.Count == 0)
        {
            return text;
        }

        var removed = Marker().Replace(text, match =>
        {
            var kept = match.Groups[1].Value.Split(',')
                .Select(p => p.Trim())
                .Where(p => !numbers.Contains(int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)))
                .ToList();
            return kept.Count == 0 ? string.Empty : "[" + string.Join(", ", kept) + "]";
        });

        // A dropped marker leaves "word ." or a double space behind.
        return SpaceBeforePunctuation().Replace(DoubleSpace().Replace(removed, " "), "$1");
    }

    [GeneratedRegex(@"[ \t]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex DoubleSpace();

    // Starts only at the first space of a run (look-behind): linear on a reply with a long run of spaces.
    [GeneratedRegex(@"(?<![ \t])[ \t]+([.,;:!?])", RegexOptions.CultureInvariant)]
    private static partial Regex SpaceBeforePunctuation();
}
