namespace HybridAnswer;

/// <summary>
/// Reads a chunk's Markdown into the passages the extractive generator may quote: the sentences of paragraphs (hard-wrapped
/// lines joined first, so a sentence is never cut at a line break), list items with the lead-in sentence that introduces their
/// list ("… you must:") — a nested list's items each a passage too, introduced by their parent item when it ends in a colon
/// (see <see cref="ListNesting"/>) — and table rows with their header. Not quoted: the chunk's heading path (its first line when
/// a blank line follows and it has no sentence punctuation), headings, code fences (but for a short one a sentence or item ending
/// in a colon introduces), badge lines, bare links, a table's header and separator. Markdown noise (links, emphasis, HTML tags,
/// task boxes, backslash escapes) is stripped while code spans stay (see <see cref="MarkdownInline"/>).
/// </summary>
internal static class PassageReader
{
    private const int MaxQuotedCodeLines = 4;
    private const int MaxTermLength = 60;

    public static List<Passage> Read(string content)
    {
        var lines = content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var passages = new List<Passage>();
        var paragraph = new List<string>();
        var block = 0;
        var paragraphs = 0;
        var list = new ListNesting(passages, () => block++);
        string[]? header = null;
        var tableBlock = -1;
        var inFence = false;
        var fenceInList = false;
        var fence = new List<string>();

        void CloseFence()
        {
            // A short code block right after a sentence (or a list item) ending in a colon is what it introduces ("install it
            // with:"): quoted with it, like a list's items. Longer code is not quoted.
            if (fence.Count is > 0 and <= MaxQuotedCodeLines)
            {
                list.IntroduceCode(fence, afterItem: fenceInList);
            }
        }

        void FlushParagraph()
        {
            if (paragraph.Count == 0)
            {
                return;
            }

            var term = DefinedTerm(paragraph);
            var number = paragraphs++;
            foreach (var sentence in TextAnalyzer.Sentences(MarkdownInline.StripMarkdown(string.Join(' ', paragraph))))
            {
                if (!MarkdownInline.IsNoise(sentence))
                {
                    passages.Add(new Passage(passages.Count, sentence, PassageKind.Sentence, -1, null, term, number));
                }
            }

            paragraph.Clear();
        }

        void EndTable()
        {
            header = null;
            tableBlock = -1;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal))
            {
                FlushParagraph();
                if (!inFence)
                {
                    // A fence indented inside a list item belongs to the item: the list goes on after it.
                    fenceInList = list.Open && char.IsWhiteSpace(raw[0]);
                    if (fenceInList)
                    {
                        list.FlushItem();
                    }
                    else
                    {
                        list.End();
                    }
                }

                inFence = !inFence;
                if (!inFence)
                {
                    CloseFence();
                }

                fence.Clear();
                continue;
            }

            if (inFence)
            {
                if (line.Length > 0)
                {
                    fence.Add(line);
                }

                continue;
            }

            if (line.Length == 0)
            {
                FlushParagraph();
                list.FlushItem();
                EndTable();
                continue;
            }

            if (line.StartsWith('#') || (i == 0 && lines.Length > 1 && lines[1].Trim().Length == 0 && !line.EndsWith('.') && !line.EndsWith(':')))
            {
                FlushParagraph();
                list.End();
                EndTable();
                continue;
            }

            if (line.StartsWith('|'))
            {
                FlushParagraph();
                list.End();
                if (MarkdownInline.TableSeparator().IsMatch(line))
                {
                    continue;
                }

                var cells = Cells(line);
                if (tableBlock < 0)
                {
                    tableBlock = block++;
                    if (i + 1 < lines.Length && MarkdownInline.TableSeparator().IsMatch(lines[i + 1].Trim()))
                    {
                        header = cells;
                        continue;
                    }
                }

                if (cells.Any(c => c.Length > 0))
                {
                    passages.Add(new Passage(passages.Count, Row(cells, header), PassageKind.TableRow, tableBlock, header is null ? null : string.Join(", ", header)));
                }

                continue;
            }

            EndTable();
            if (MarkdownInline.ListMarker().Match(line) is { Success: true } marker)
            {
                FlushParagraph();
                list.Item(Indent(raw), line[marker.Length..]);
                continue;
            }

            if (list.Open && (char.IsWhiteSpace(raw[0]) || list.InItem))
            {
                // An indented line continues the list; an unindented one right after an item is its lazy continuation.
                list.Continue(Indent(raw), line);
                continue;
            }

            list.End();
            if (MarkdownInline.IsNoise(line))
            {
                FlushParagraph();
                continue;
            }

            paragraph.Add(line);
        }

        FlushParagraph();
        list.FlushItem();
        return passages;
    }

    /// <summary>A line's indentation in columns (a tab to the next multiple of 4, as CommonMark counts it).</summary>
    private static int Indent(string line)
    {
        var column = 0;
        foreach (var c in line)
        {
            if (c == ' ')
            {
                column++;
            }
            else if (c == '\t')
            {
                column += 4 - (column % 4);
            }
            else
            {
                break;
            }
        }

        return column;
    }

    /// <summary>
    /// The term a definition paragraph defines (a man page's option, a glossary entry): a short first line without sentence
    /// punctuation, at most 60 % as long as the line below it, so a hard-wrapped line (filled to the wrap width) never counts.
    /// </summary>
    private static string? DefinedTerm(List<string> paragraph)
    {
        if (paragraph.Count < 2 || paragraph[0].Length > MaxTermLength || paragraph[0].Length * 5 > paragraph[1].Length * 3 ||
            paragraph[0][^1] is '.' or ':' or ';' or ',' or '!' or '?')
        {
            return null;
        }

        return MarkdownInline.StripMarkdown(paragraph[0]);
    }

    private static string[] Cells(string line) =>
        [.. line.Trim().Trim('|').Split('|').Select(c => MarkdownInline.StripMarkdown(c.Trim()))];

    /// <summary>Reads a row with its header: "| Big | $99 | 99.99% |" under "Plan | Price | Uptime" reads "Big — Price: $99; Uptime: 99.99%".</summary>
    private static string Row(string[] cells, string[]? header)
    {
        var filled = cells.Select((c, i) => (Cell: c, Index: i)).Where(c => c.Cell.Length > 0).ToList();
        if (filled.Count <= 1)
        {
            return string.Concat(filled.Select(c => c.Cell));
        }

        var first = filled[0];
        var rest = filled.Skip(1).Select(c => header is not null && c.Index < header.Length && header[c.Index].Length > 0 ? header[c.Index] + ": " + c.Cell : c.Cell);
        return first.Cell + " — " + string.Join("; ", rest);
    }
}
