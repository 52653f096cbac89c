using System.Text;
using HybridAnswer.Storage;

namespace HybridAnswer;

/// <summary>
/// Splits a Markdown document along its structure (parsed with Markdig): every chunk starts with the heading path of the
/// section it begins in ("Guide &gt; Pooling &gt; Timeouts"), so the path is embedded with it; blocks are kept whole — a
/// paragraph, a list item, a code fence, a table — and only a block larger than a chunk is split: a table by rows with its
/// header repeated in every piece, a code fence by lines with the fence reopened and closed in every piece, a list by items (an
/// item larger than a chunk between its lines, at its nested items, see <see cref="MarkdownListItems"/>), a paragraph by
/// sentences (with <see cref="ChunkingOptions.Overlap"/> characters of overlap) and then words. Small neighbouring sections are
/// packed together, each keeping its heading line. Sizes are in the embedder's tokens when it reports an
/// <see cref="EmbeddingInputLimit"/> (title, path and body together fit its input), in characters
/// (<see cref="ChunkingOptions.TargetSize"/>) otherwise.
/// </summary>
internal sealed class MarkdownChunker
{
    private const string PathSeparator = " > ";

    private readonly int _targetCharacters;
    private readonly int _overlap;
    private readonly EmbeddingInputLimit? _limit;

    public MarkdownChunker(int targetCharacters, int overlap, EmbeddingInputLimit? limit)
    {
        _targetCharacters = targetCharacters;
        _overlap = overlap;
        _limit = limit;
    }

    public IReadOnlyList<DocumentChunk> Chunk(KnowledgeDocument document)
    {
        var content = document.Content.Replace("\r\n", "\n", StringComparison.Ordinal);
        var chunks = new List<string>();
        var titleCost = _limit is null ? 0 : Size(document.Title + "\n") + _limit.SpecialTokens;

        string? path = null;
        var body = new List<string>();
        var bodySize = 0;
        var budget = 0;

        void Flush()
        {
            if (body.Count > 0)
            {
                chunks.Add(Compose(path!, body));
            }

            body.Clear();
            bodySize = 0;
            path = null;
        }

        foreach (var section in MarkdownSections.Parse(content))
        {
            var sectionPath = string.Join(PathSeparator, section.Headings);
            var sectionBudget = Budget(sectionPath, titleCost);
            var units = section.Blocks.SelectMany(b => Fit(b, sectionBudget)).ToList();
            if (units.Count == 0)
            {
                continue;
            }

            // A new section joins the open chunk (with its heading line) only when all of it fits there.
            var headingLine = section.HeadingLine;
            var sectionSize = units.Sum(Size) + (headingLine is null ? 0 : Size(headingLine)) + Separators(units.Count + 1);
            if (path is not null && bodySize + sectionSize <= budget)
            {
                if (headingLine is not null)
                {
                    body.Add(headingLine);
                }

                body.AddRange(units);
                bodySize += sectionSize;
                continue;
            }

            Flush();
            foreach (var unit in units)
            {
                var size = Size(unit);
                if (path is not null && bodySize + size + Separators(1) > budget)
                {
                    Flush();
                }

                if (path is null)
                {
                    path = sectionPath;
                    budget = sectionBudget;
                }

                body.Add(unit);
                bodySize += size + Separators(1);
            }
        }

        Flush();
        return [.. chunks.Select((text, i) => new DocumentChunk(document.Id, i, text))];
    }

    private static string Compose(string path, List<string> body)
    {
        var text = string.Join("\n\n", body);
        return path.Length == 0 ? text : path + "\n\n" + text;
    }

    /// <summary>What the body of a chunk in a section may hold, after the title and the path that are embedded with it.</summary>
    private int Budget(string path, int titleCost)
    {
        var pathCost = path.Length == 0 ? 0 : Size(path + "\n\n");
        var target = _limit is null ? _targetCharacters : _limit.MaxTokens - titleCost;
        return Math.Max(target - pathCost, target / 2);
    }

    private int Size(string text) => _limit is null ? text.Length : _limit.Tokenizer.CountTokens(text);

    // "\n\n" between units costs characters, not tokens (the tokenizer drops whitespace).
    private int Separators(int count) => _limit is null ? 2 * count : 0;

    /// <summary>A block as it is, or split into pieces that each fit the budget.</summary>
    private IEnumerable<string> Fit(MarkdownSections.Block block, int budget)
    {
        var text = block.Kind == MarkdownSections.BlockKind.Table ? CompactSeparator(block.Text) : block.Text;
        if (Size(text) <= budget)
        {
            return [text];
        }

        return block.Kind switch
        {
            MarkdownSections.BlockKind.Table => SplitLines(text, header: 2, footer: 0, budget),
            MarkdownSections.BlockKind.Code => SplitLines(text, header: 1, footer: text.TrimEnd().EndsWith("```", StringComparison.Ordinal) || text.TrimEnd().EndsWith("~~~", StringComparison.Ordinal) ? 1 : 0, budget),
            MarkdownSections.BlockKind.List when block.Items.Count > 0 => block.Items.SelectMany(item => Size(item) <= budget ? [item] : MarkdownListItems.Split(item, budget, Size, SplitProse)).ToList(),
            _ => SplitProse(text, budget),
        };
    }

    /// <summary>
    /// A table with its separator row as short as Markdown allows ("---", alignment colons kept): a separator padded to the
    /// columns' width costs a word piece per dash, which took up to half of a chunk's embedder window and pushed a header with one
    /// row past it.
    /// </summary>
    private static string CompactSeparator(string table)
    {
        var lines = table.Split('\n');
        if (lines.Length < 2 || !lines[1].Trim().Trim('|').Split('|').All(c => IsSeparatorCell(c.Trim())))
        {
            return table;
        }

        var line = lines[1].Trim();
        var cells = line.Trim('|').Split('|').Select(c => c.Trim()).Select(c => (c.StartsWith(':') ? ":" : string.Empty) + "---" + (c.Length > 1 && c.EndsWith(':') ? ":" : string.Empty));
        lines[1] = (line.StartsWith('|') ? "|" : string.Empty) + string.Join("|", cells) + (line.EndsWith('|') && line.Length > 1 ? "|" : string.Empty);
        return string.Join('\n', lines);
    }

    private static bool IsSeparatorCell(string cell) =>
        cell.Length > 0 && cell.Trim(':').Length > 0 && cell.Trim(':').All(c => c == '-');

    /// <summary>Splits line-based blocks (tables, code) between lines, repeating the header lines (and the closing fence) in every piece.</summary>
    private List<string> SplitLines(string text, int header, int footer, int budget)
    {
        var lines = text.Split('\n');
        if (lines.Length <= header + footer + 1)
        {
            return SplitProse(text, budget);
        }

        var head = string.Join('\n', lines.Take(header));
        var foot = footer > 0 ? "\n" + lines[^1] : string.Empty;
        var pieces = new List<string>();
        var current = new StringBuilder();
        var fixedSize = Size(head + foot);
        var size = fixedSize;
        foreach (var line in lines.Skip(header).Take(lines.Length - header - footer))
        {
            var lineSize = Size(line) + (_limit is null ? 1 : 0);
            if (current.Length > 0 && size + lineSize > budget)
            {
                pieces.Add(head + current + foot);
                current.Clear();
                size = fixedSize;
            }

            // A single row or code line larger than a chunk is rare; it is kept whole (and truncated by the embedder, with a warning).
            current.Append('\n').Append(line);
            size += lineSize;
        }

        if (current.Length > 0)
        {
            pieces.Add(head + current + foot);
        }

        return pieces;
    }

    /// <summary>Splits prose by sentences (and over-long sentences by words), overlapping consecutive pieces by about <see cref="ChunkingOptions.Overlap"/> characters.</summary>
    private List<string> SplitProse(string text, int budget)
    {
        var units = TextAnalyzer.Sentences(text).SelectMany(s => Size(s) <= budget ? [s] : SplitWords(s, budget)).ToList();
        var pieces = new List<string>();
        var current = new List<string>();
        var size = 0;
        foreach (var unit in units)
        {
            var unitSize = Size(unit) + (_limit is null ? 1 : 0);
            if (current.Count > 0 && size + unitSize > budget)
            {
                pieces.Add(string.Join(' ', current));

                // Carry the last sentences (up to the overlap) into the next piece, so a fact on the boundary is whole in one.
                var carried = new List<string>();
                var carriedLength = 0;
                for (var i = current.Count - 1; i > 0 && carriedLength + current[i].Length <= _overlap; i--)
                {
                    carried.Insert(0, current[i]);
                    carriedLength += current[i].Length + 1;
                }

                current = carried;
                size = current.Sum(c => Size(c) + (_limit is null ? 1 : 0));
                if (size + unitSize > budget)
                {
                    current.Clear();
                    size = 0;
                }
            }

            current.Add(unit);
            size += unitSize;
        }

        if (current.Count > 0)
        {
            pieces.Add(string.Join(' ', current));
        }

        return pieces;
    }

    private List<string> SplitWords(string sentence, int budget)
    {
        var pieces = new List<string>();
        var current = new StringBuilder();
        foreach (var word in sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length > 0 && Size(candidate) > budget)
            {
                pieces.Add(current.ToString());
                current.Clear().Append(word);
            }
            else
            {
                current.Clear().Append(candidate);
            }
        }

        if (current.Length > 0)
        {
            pieces.Add(current.ToString());
        }

        return pieces;
    }
}
