using System.Globalization;
using System.Text.RegularExpressions;

namespace HybridAnswer;

/// <summary>Finds <c>[n]</c> and <c>[n, m]</c> markers in answer text and maps them to the sources they cite.</summary>
internal static partial class CitationParser
{
    [GeneratedRegex(@"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

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

    [GeneratedRegex(@"[ \t]+([.,;:!?])", RegexOptions.CultureInvariant)]
    private static partial Regex SpaceBeforePunctuation();
}
