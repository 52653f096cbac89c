using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;

namespace HybridAnswer;

/// <summary>
/// Reads a Markdown document (parsed with Markdig, pipe tables on) into sections — the heading path each one is under and its
/// top-level blocks with their source text kept verbatim — for <see cref="MarkdownChunker"/> to pack into chunks. Input nested
/// past Markdig's depth limit is read as plain paragraphs.
/// </summary>
internal static class MarkdownSections
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    /// <summary>The document's sections in order; text before the first heading is a section without headings.</summary>
    public static List<Section> Parse(string content)
    {
        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(content, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig refuses input nested past its depth limit (hostile or generated text, not documentation): such a document
            // is chunked as plain paragraphs rather than rejected, so one odd file never stops an ingest.
            var plain = new Section([], null);
            foreach (var paragraph in content.Split(["\r\n\r\n", "\n\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                plain.Blocks.Add(new Block(BlockKind.Prose, paragraph, []));
            }

            return [plain];
        }

        var sections = new List<Section>();
        var headings = new List<(int Level, string Text)>();
        var current = new Section([], null);
        foreach (var block in document)
        {
            if (block is HeadingBlock heading)
            {
                sections.Add(current);
                var text = HeadingText(content, heading);
                headings.RemoveAll(h => h.Level >= heading.Level);
                headings.Add((heading.Level, text));
                current = new Section([.. headings.Select(h => h.Text)], new string('#', heading.Level) + " " + text);
                continue;
            }

            if (block is ThematicBreakBlock or LinkReferenceDefinitionGroup || block.Span.IsEmpty)
            {
                continue;
            }

            var raw = Indented(content, block).Trim('\n').TrimEnd();
            if (raw.Length == 0)
            {
                continue;
            }

            var kind = block switch
            {
                Table => BlockKind.Table,
                FencedCodeBlock or CodeBlock => BlockKind.Code,
                ListBlock => BlockKind.List,
                _ => BlockKind.Prose,
            };
            IReadOnlyList<string> items = block is ListBlock list
                ? [.. list.OfType<ListItemBlock>().Select(item => Indented(content, item).TrimEnd()).Where(i => i.Length > 0)]
                : [];
            current.Blocks.Add(new Block(kind, raw, items));
        }

        sections.Add(current);
        return sections;
    }

    private static string Source(string content, MarkdownObject block)
    {
        var start = Math.Clamp(block.Span.Start, 0, content.Length);
        var end = Math.Clamp(block.Span.End + 1, start, content.Length);
        return content[start..end];
    }

    /// <summary>
    /// A block's source moved left by the column it starts at, so a list indented in the document ("   1. Update") keeps its
    /// first line level with its other items and its nested lines deeper: Markdig's span starts at the marker, past the indentation
    /// its later lines still carry.
    /// </summary>
    private static string Indented(string content, MarkdownObject block)
    {
        var text = Source(content, block);
        var start = Math.Clamp(block.Span.Start, 0, content.Length);
        var lineStart = start == 0 ? 0 : content.LastIndexOf('\n', start - 1) + 1;
        var column = start - lineStart;
        if (column == 0 || !string.IsNullOrWhiteSpace(content[lineStart..start]) || !text.Contains('\n', StringComparison.Ordinal))
        {
            return text;
        }

        return string.Join('\n', text.Split('\n').Select((line, i) => i == 0 ? line : line[Math.Min(column, line.Length - line.TrimStart().Length)..]));
    }

    private static string HeadingText(string content, HeadingBlock heading)
    {
        var line = Source(content, heading).Split('\n')[0].Trim();
        return line.TrimStart('#').Trim().TrimEnd('#').Trim();
    }

    /// <summary>How an oversized block may be split.</summary>
    internal enum BlockKind
    {
        Prose,
        List,
        Table,
        Code,
    }

    /// <summary>A top-level block: its source text and, for a list, its items.</summary>
    internal sealed record Block(BlockKind Kind, string Text, IReadOnlyList<string> Items);

    /// <summary>A section: the heading path it is under, its heading line, and its blocks.</summary>
    internal sealed record Section(IReadOnlyList<string> Headings, string? HeadingLine)
    {
        public List<Block> Blocks { get; } = [];
    }
}
