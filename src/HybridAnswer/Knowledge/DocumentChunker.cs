using System.Text;

namespace HybridAnswer;

/// <summary>
/// Splits documents along Markdown headings and paragraphs into chunks of about
/// <see cref="ChunkingOptions.TargetSize"/> characters. Small neighbouring sections are packed
/// together (a heading with one short paragraph is too little context on its own); a section
/// larger than the target is split on paragraphs, then sentences, then words, and consecutive
/// pieces of one section overlap so a fact on a boundary is whole in at least one chunk.
/// Every chunk carries the heading path of the section it starts in.
/// </summary>
internal sealed class DocumentChunker
{
    private readonly int _target;
    private readonly int _overlap;

    public DocumentChunker(ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TargetSize, 100, nameof(options.TargetSize));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Overlap, nameof(options.Overlap));
        if (options.Overlap * 2 >= options.TargetSize)
        {
            throw new ArgumentException($"{nameof(ChunkingOptions.Overlap)} ({options.Overlap}) must be less than half of {nameof(ChunkingOptions.TargetSize)} ({options.TargetSize}).", nameof(options));
        }

        _target = options.TargetSize;
        _overlap = options.Overlap;
    }

    /// <summary>Gets a fingerprint of the chunking settings, part of every content hash so that changing them re-chunks.</summary>
    public string Fingerprint => $"chunk:{_target}:{_overlap}";

    public IReadOnlyList<DocumentChunk> Chunk(KnowledgeDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var chunks = new List<DocumentChunk>();
        var current = new StringBuilder();

        foreach (var section in Sections(document.Content))
        {
            // A heading with no text of its own adds nothing a chunk needs: its words live on in the heading paths below it.
            var sectionText = section.Text;
            if (section.Paragraphs.Count == 0)
            {
                continue;
            }

            if (current.Length > 0 && current.Length + 2 + sectionText.Length <= _target)
            {
                current.Append("\n\n").Append(sectionText);
                continue;
            }

            Emit(document.Id, chunks, current);
            if (sectionText.Length <= _target)
            {
                current.Append(sectionText);
                continue;
            }

            foreach (var piece in SplitLargeSection(section))
            {
                chunks.Add(new DocumentChunk(document.Id, chunks.Count, piece));
            }
        }

        Emit(document.Id, chunks, current);
        return chunks;
    }

    /// <summary>Computes the hash that decides whether a stored document must be re-chunked and re-embedded (see <see cref="HybridAnswer.ContentHash"/>).</summary>
    public string ContentHash(KnowledgeDocument document) => HybridAnswer.ContentHash.Compute(document, Fingerprint);

    private static void Emit(string documentId, List<DocumentChunk> chunks, StringBuilder current)
    {
        if (current.Length > 0)
        {
            chunks.Add(new DocumentChunk(documentId, chunks.Count, current.ToString()));
            current.Clear();
        }
    }

    private IEnumerable<string> SplitLargeSection(Section section)
    {
        // Each piece restates the heading path so it stands on its own when retrieved.
        var prefix = section.HeadingPath.Length > 0 ? section.HeadingPath + "\n\n" : string.Empty;
        var budget = Math.Max(_target - prefix.Length, _target / 2);

        // Units are whole paragraphs when they fit, otherwise their sentences (and words of over-long sentences).
        var units = section.Paragraphs.SelectMany(p => p.Length <= budget
            ? [(Text: p, NewParagraph: true)]
            : TextAnalyzer.Sentences(p).SelectMany(s => s.Length <= budget ? [s] : SplitWords(s, budget)).Select((s, i) => (Text: s, NewParagraph: i == 0)));

        var current = new StringBuilder();
        foreach (var (text, newParagraph) in units)
        {
            var separator = newParagraph ? "\n\n" : " ";
            if (current.Length > 0 && current.Length + separator.Length + text.Length > budget)
            {
                var emitted = current.ToString();
                yield return prefix + emitted;
                current.Clear();
                var tail = Tail(emitted);
                if (tail.Length > 0 && tail.Length + 1 + text.Length <= budget)
                {
                    current.Append(tail);
                }
            }

            if (current.Length > 0)
            {
                current.Append(separator);
            }

            current.Append(text);
        }

        if (current.Length > 0)
        {
            yield return prefix + current;
        }
    }

    private static IEnumerable<string> SplitWords(string text, int budget)
    {
        var start = 0;
        while (start < text.Length)
        {
            var length = Math.Min(budget, text.Length - start);
            if (start + length < text.Length)
            {
                var space = text.LastIndexOf(' ', start + length - 1, length);
                if (space > start)
                {
                    length = space - start;
                }
            }

            yield return text.Substring(start, length).Trim();
            start += length;
        }
    }

    private string Tail(string text)
    {
        if (_overlap == 0 || text.Length <= _overlap)
        {
            return _overlap == 0 ? string.Empty : text;
        }

        // Start the overlap on a sentence or word boundary so it reads as text, not a fragment.
        var start = text.Length - _overlap;
        var sentenceStart = text.IndexOfAny(['.', '!', '?', '\n'], start);
        if (sentenceStart >= 0 && sentenceStart + 1 < text.Length)
        {
            return text[(sentenceStart + 1)..].Trim();
        }

        var space = text.IndexOf(' ', start);
        return space >= 0 ? text[(space + 1)..].Trim() : text[start..];
    }

    private static List<Section> Sections(string content)
    {
        var sections = new List<Section>();
        var headings = new List<(int Level, string Text)>();
        var paragraphs = new List<string>();
        var paragraph = new StringBuilder();
        var headingLine = string.Empty;
        var inFence = false;

        void EndParagraph()
        {
            if (paragraph.Length > 0)
            {
                paragraphs.Add(paragraph.ToString().TrimEnd());
                paragraph.Clear();
            }
        }

        void EndSection()
        {
            EndParagraph();
            if (paragraphs.Count > 0 || headingLine.Length > 0)
            {
                sections.Add(new Section(string.Join(" > ", headings.Select(h => h.Text)), headingLine, [.. paragraphs]));
            }

            paragraphs.Clear();
        }

        foreach (var rawLine in content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = rawLine.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }

            var level = inFence ? 0 : HeadingLevel(line);
            if (level > 0)
            {
                EndSection();
                headings.RemoveAll(h => h.Level >= level);
                headings.Add((level, line[level..].Trim().TrimEnd('#').Trim()));
                headingLine = line;
                continue;
            }

            if (line.Length == 0 && !inFence)
            {
                EndParagraph();
                continue;
            }

            if (paragraph.Length > 0)
            {
                paragraph.Append('\n');
            }

            paragraph.Append(line);
        }

        EndSection();
        return sections;
    }

    private static int HeadingLevel(string line)
    {
        var level = 0;
        while (level < line.Length && level < 6 && line[level] == '#')
        {
            level++;
        }

        return level > 0 && level < line.Length && line[level] == ' ' ? level : 0;
    }

    private sealed record Section(string HeadingPath, string HeadingLine, IReadOnlyList<string> Paragraphs)
    {
        public string Text { get; } = string.Join("\n\n", HeadingLine.Length > 0 ? Paragraphs.Prepend(HeadingLine) : Paragraphs).Trim();
    }
}
