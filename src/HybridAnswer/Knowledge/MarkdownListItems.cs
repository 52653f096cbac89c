namespace HybridAnswer;

/// <summary>
/// Splits one Markdown list item larger than a chunk between its lines, so every piece is still Markdown a reader can take
/// item by item: pieces break before a nested item where they can (between lines inside a long nested item otherwise), lines
/// keep their newlines and indentation, a code fence cut between pieces is closed in one and reopened in the next, and the
/// item's own first paragraph (a checklist step such as "Send the announcement:") is repeated at the top of every piece when it
/// is short, so nested items keep what they are items of. Used by <see cref="MarkdownChunker"/>.
/// </summary>
internal static class MarkdownListItems
{
    /// <summary>The share of a chunk the repeated first paragraph of an item may take (a third).</summary>
    private const int HeadShare = 3;

    /// <summary>Splits <paramref name="item"/> into pieces that each fit <paramref name="budget"/>.</summary>
    /// <param name="item">The item's Markdown source, its marker first.</param>
    /// <param name="budget">What a piece may hold, in the unit <paramref name="size"/> measures.</param>
    /// <param name="size">Measures a piece (characters or the embedder's tokens).</param>
    /// <param name="splitProse">Splits a paragraph by sentences, for a first paragraph or a single line larger than a chunk.</param>
    public static List<string> Split(string item, int budget, Func<string, int> size, Func<string, int, List<string>> splitProse)
    {
        var lines = item.Split('\n');
        var headLength = 1;
        while (headLength < lines.Length && lines[headLength].Trim().Length > 0 && !IsMarker(lines[headLength]) && Fence(lines[headLength]) is null)
        {
            headLength++;
        }

        var head = lines[..headLength];
        var headSize = size(string.Join('\n', head));
        var pieces = new List<string>();
        List<string> prefix = headSize * HeadShare <= budget ? [.. head] : [];
        var current = new List<string>();
        if (headSize > budget)
        {
            // The item's first paragraph alone is larger than a chunk: its sentences, then the rest without it repeated.
            pieces.AddRange(splitProse(string.Join(' ', head.Select(l => l.Trim())), budget));
        }
        else
        {
            current.AddRange(head);
        }

        // A piece holds more than the repeated first paragraph, or it is not emitted.
        void Emit()
        {
            if (current.Count > prefix.Count)
            {
                pieces.Add(string.Join('\n', current).TrimEnd());
            }

            current = [.. prefix];
        }

        foreach (var segment in Segments(lines[headLength..]))
        {
            if (size(string.Join('\n', current.Concat(segment))) <= budget)
            {
                current.AddRange(segment);
                continue;
            }

            Emit();
            if (size(string.Join('\n', current.Concat(segment))) <= budget)
            {
                current.AddRange(segment);
                continue;
            }

            // One nested item (or the text between two) larger than a chunk: split between its lines, a fence closed and reopened.
            string? opener = null;
            foreach (var line in segment.SelectMany(l => LongLine(l, budget, size, splitProse)))
            {
                var closing = opener is null ? [] : new[] { Closer(opener) };
                if (current.Count > prefix.Count && size(string.Join('\n', current.Append(line).Concat(closing))) > budget)
                {
                    current.AddRange(closing);
                    Emit();
                    if (opener is not null)
                    {
                        current.Add(opener);
                    }
                }

                current.Add(line);
                if (Fence(line) is not null)
                {
                    opener = opener is null ? line : null;
                }
            }
        }

        Emit();

        // Without the first paragraph on top, a piece that starts inside the item is moved left, so its nested items do not read
        // as an indented code block.
        return prefix.Count > 0 ? pieces : [.. pieces.Select((p, i) => i == 0 ? p : Dedent(p))];
    }

    /// <summary>The lines after an item's first paragraph, in runs that each start at a nested item's marker (fences kept whole).</summary>
    private static List<List<string>> Segments(string[] lines)
    {
        var segments = new List<List<string>>();
        var current = new List<string>();
        var inFence = false;
        foreach (var line in lines)
        {
            if (!inFence && IsMarker(line) && current.Count > 0)
            {
                segments.Add(current);
                current = [];
            }

            current.Add(line);
            if (Fence(line) is not null)
            {
                inFence = !inFence;
            }
        }

        if (current.Count > 0)
        {
            segments.Add(current);
        }

        return segments;
    }

    /// <summary>A line larger than a chunk by itself (a long unwrapped paragraph) as several lines of its sentences, same indentation.</summary>
    private static IEnumerable<string> LongLine(string line, int budget, Func<string, int> size, Func<string, int, List<string>> splitProse)
    {
        if (size(line) <= budget || Fence(line) is not null)
        {
            return [line];
        }

        var indent = line[..(line.Length - line.TrimStart().Length)];
        return splitProse(line.Trim(), budget).Select(p => indent + p);
    }

    private static bool IsMarker(string line) => MarkdownInline.ListMarker().IsMatch(line.TrimStart());

    /// <summary>The fence characters a line opens or closes a code fence with (```, ~~~~), or <see langword="null"/>.</summary>
    private static string? Fence(string line)
    {
        var text = line.TrimStart();
        if (!text.StartsWith("```", StringComparison.Ordinal) && !text.StartsWith("~~~", StringComparison.Ordinal))
        {
            return null;
        }

        var length = 0;
        while (length < text.Length && text[length] == text[0])
        {
            length++;
        }

        return text[..length];
    }

    private static string Closer(string opener) => opener[..(opener.Length - opener.TrimStart().Length)] + Fence(opener);

    private static string Dedent(string piece)
    {
        var lines = piece.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }
}
