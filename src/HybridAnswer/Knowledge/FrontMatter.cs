using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HybridAnswer;

/// <summary>
/// The YAML front matter of a document file (between a first line <c>---</c> and the next <c>---</c> or <c>...</c>), parsed with
/// YamlDotNet into what a <see cref="KnowledgeDocument"/> can store: <c>title</c>, single-valued <see cref="KnowledgeDocument.Metadata"/>
/// and <see cref="KnowledgeDocument.MultiValuedMetadata"/>. The rules are in docs/configuration.md ("Front matter").
/// </summary>
/// <remarks>
/// Read from the parser's events rather than a node tree so that nesting is bounded here (<see cref="MaxDepth"/>) instead of by
/// the stack, and aliases are refused before anything is expanded (a "billion laughs" front matter costs nothing).
/// </remarks>
internal sealed partial class FrontMatter
{
    /// <summary>How deep maps may nest (the top level is 1); deeper is refused, not silently cut.</summary>
    public const int MaxDepth = 8;

    private readonly string _where;
    private readonly Stack<NodeEvent> _open = new();
    private bool _sawTitle;

    private FrontMatter(string where) => _where = where;

    /// <summary>Gets the <c>title</c> value, or <see langword="null"/> when absent, null or empty.</summary>
    public string? Title { get; private set; }

    /// <summary>Gets the single-valued fields: scalars, with nested maps flattened to <c>parent.child</c>.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the multi-valued fields: lists of scalars.</summary>
    public Dictionary<string, IReadOnlyList<string>> MultiValued { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the index of the first line after the front matter (0 when there is none).</summary>
    public int BodyStart { get; private init; }

    /// <summary>Reads the front matter at the top of a file's lines, if any.</summary>
    /// <param name="lines">The file's lines (<c>\n</c>-split, BOM removed).</param>
    /// <param name="where">The file, for error messages.</param>
    /// <exception cref="InvalidDataException">The front matter is not closed, is not valid YAML, or holds what metadata cannot (the message names the file and line).</exception>
    public static FrontMatter Read(string[] lines, string where)
    {
        if (lines.Length == 0 || lines[0].Trim() != "---")
        {
            return new FrontMatter(where);
        }

        var end = Array.FindIndex(lines, 1, l => l.Trim() is "---" or "...");
        if (end < 0)
        {
            throw new InvalidDataException($"'{where}': the front matter starting on line 1 is never closed with '---'.");
        }

        var front = new FrontMatter(where) { BodyStart = end + 1 };
        front.Parse(string.Join('\n', lines, 1, end - 1), end + 1);
        return front;
    }

    private void Parse(string yaml, int closingLine)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return; // Empty, or only comments.
            }

            parser.Consume<DocumentStart>();
            if (parser.Accept<MappingStart>(out _))
            {
                ReadMapping(parser, prefix: string.Empty, depth: 1);
            }
            else if (!(parser.TryConsume<Scalar>(out var scalar) && IsNull(scalar)))
            {
                throw Error(parser.Current!, "front matter must be a YAML mapping of keys to values ('key: value' lines).");
            }

            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                throw Error(parser.Current!, "front matter must be one YAML document.");
            }
        }
        catch (YamlException e)
        {
            // YamlDotNet counts lines from the first line of the YAML, the file's line 2; its message starts with that position.
            // A '[' or '{' never closed is found only at the end: name the line that opened it.
            var line = e.Start.Line + 1;
            var problem = PositionPrefix().Replace(e.Message, string.Empty);
            if (line >= closingLine && _open.FirstOrDefault(IsFlow) is { } unclosed)
            {
                line = unclosed.Start.Line + 1;
                problem = $"the {(unclosed is SequenceStart ? "list '['" : "map '{'")} opened on this line is never closed ({problem})";
            }

            throw new InvalidDataException($"'{_where}' line {line}: the front matter is not valid YAML: {problem}", e);
        }
    }

    private void ReadMapping(IParser parser, string prefix, int depth)
    {
        var start = parser.Consume<MappingStart>();
        if (depth > MaxDepth)
        {
            throw Error(start, $"maps are nested more than {MaxDepth} deep.");
        }

        _open.Push(start);
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = parser.Current!;
            if (!parser.TryConsume<Scalar>(out var keyScalar))
            {
                throw Error(keyEvent, "a key must be plain text, not a list or a map.");
            }

            if (string.IsNullOrWhiteSpace(keyScalar.Value))
            {
                throw Error(keyScalar, "a key is empty.");
            }

            var key = prefix + keyScalar.Value;
            if (Metadata.ContainsKey(key) || MultiValued.ContainsKey(key) || (key == "title" && _sawTitle))
            {
                throw Error(keyScalar, $"key '{key}' appears twice" + (prefix.Length > 0 || key.Contains('.', StringComparison.Ordinal) ? " (nested keys are flattened to 'parent.child')." : "."));
            }

            var isTitle = prefix.Length == 0 && key == "title";
            _sawTitle |= isTitle;
            ReadValue(parser, key, isTitle, depth);
        }

        _open.Pop();
    }

    private void ReadValue(IParser parser, string key, bool isTitle, int depth)
    {
        var value = parser.Current!;
        if (value is AnchorAlias)
        {
            throw Error(value, "aliases (*name) are not supported in front matter.");
        }

        if (isTitle && value is not Scalar)
        {
            throw Error(value, "'title' must be a single text value.");
        }

        switch (value)
        {
            case Scalar scalar:
                parser.MoveNext();
                if (IsNull(scalar) || scalar.Value.Length == 0)
                {
                    return; // Null and empty values are left out: there is nothing a filter could match.
                }

                if (isTitle)
                {
                    Title = scalar.Value;
                }
                else
                {
                    Metadata[key] = scalar.Value;
                }

                return;
            case SequenceStart:
                var values = ReadList(parser);
                if (values.Count > 0)
                {
                    MultiValued[key] = values;
                }

                return;
            case MappingStart:
                ReadMapping(parser, key + ".", depth + 1);
                return;
            default:
                throw Error(value, "unexpected YAML.");
        }
    }

    private List<string> ReadList(IParser parser)
    {
        _open.Push(parser.Consume<SequenceStart>());
        var values = new List<string>();
        while (!parser.TryConsume<SequenceEnd>(out _))
        {
            var item = parser.Current!;
            if (!parser.TryConsume<Scalar>(out var scalar))
            {
                throw Error(item, item is AnchorAlias
                    ? "aliases (*name) are not supported in front matter."
                    : "a list item must be plain text, not a list or a map.");
            }

            if (!IsNull(scalar) && scalar.Value.Length > 0)
            {
                values.Add(scalar.Value);
            }
        }

        _open.Pop();
        return values;
    }

    /// <summary>A plain (unquoted) <c>~</c>, <c>null</c> or nothing at all, as YAML's core schema reads them; quoted, they are text.</summary>
    private static bool IsNull(Scalar scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

    private static bool IsFlow(NodeEvent open) =>
        open is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow };

    private InvalidDataException Error(ParsingEvent at, string problem) =>
        new($"'{_where}' line {at.Start.Line + 1}: {problem}");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();
}
