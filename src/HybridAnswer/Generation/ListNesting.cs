using System.Text;
using System.Text.RegularExpressions;

namespace HybridAnswer;

/// <summary>
/// The list <see cref="PassageReader"/> is reading, level by level: every item is a passage of its own, a nested list is a block
/// of its own (its items introduced by their parent item when the parent ends in a colon, "Send the announcement:"), and the
/// outer list goes on after it with its own lead-in. A short code fence is read the same way, its lines the items of what
/// introduces it (<see cref="IntroduceCode"/>). A task-list box ("[ ]", "[x]") is dropped from an item like other Markdown noise.
/// </summary>
internal sealed partial class ListNesting(List<Passage> passages, Func<int> nextBlock)
{
    /// <summary>How much deeper than its parent's marker a nested list's marker stands (CommonMark nests at the content column, ≥ 2).</summary>
    private const int NestedIndent = 2;

    private readonly List<Level> _levels = [];
    private readonly StringBuilder _item = new();
    private int _lastItem = -1;

    /// <summary>Gets whether a list is open.</summary>
    public bool Open => _levels.Count > 0;

    /// <summary>Gets whether an item's text is being read.</summary>
    public bool InItem => _item.Length > 0;

    /// <summary>An item's marker line: a sibling of the current item, the first item of a nested list, or of the list itself.</summary>
    /// <param name="indent">The marker's column.</param>
    /// <param name="text">The item's text after its marker.</param>
    public void Item(int indent, string text)
    {
        FlushItem();
        if (_levels.Count == 0)
        {
            // The sentence just before a list that ends in a colon introduces it: it is quoted with the items.
            var block = nextBlock();
            var leadIn = IntroducingSentence() is { } sentence ? MakeLeadIn(sentence, block) : null;
            _levels.Add(new Level(indent, block, leadIn?.Position ?? -1, leadIn?.Text));
        }
        else if (indent >= _levels[^1].Indent + NestedIndent)
        {
            var parent = _lastItem >= 0 ? passages[_lastItem] : null;
            _levels.Add(parent is not null && parent.Text.EndsWith(':')
                ? new Level(indent, nextBlock(), parent.Position, parent.Text)
                : new Level(indent, nextBlock(), -1, null));
        }
        else
        {
            while (_levels.Count > 1 && indent <= _levels[^1].Indent - NestedIndent)
            {
                _levels.RemoveAt(_levels.Count - 1);
            }
        }

        _lastItem = -1;
        _item.Append(TaskBox().Replace(text, string.Empty));
    }

    /// <summary>A line continuing the list: the current item's next line, or a paragraph of an item after a blank line.</summary>
    /// <param name="indent">The line's column.</param>
    /// <param name="line">The line, trimmed.</param>
    public void Continue(int indent, string line)
    {
        if (_item.Length > 0)
        {
            _item.Append(' ').Append(line);
            return;
        }

        // A paragraph no deeper than a nested list's markers belongs to an item further out.
        while (_levels.Count > 1 && indent <= _levels[^1].Indent)
        {
            _levels.RemoveAt(_levels.Count - 1);
        }

        _item.Append(line);
    }

    /// <summary>Adds the item read so far as a passage.</summary>
    public void FlushItem()
    {
        if (_item.Length > 0 && _levels.Count > 0 && MarkdownInline.StripMarkdown(_item.ToString()) is { Length: > 0 } text && !MarkdownInline.IsNoise(text))
        {
            var level = _levels[^1];
            passages.Add(new Passage(passages.Count, text, PassageKind.ListItem, level.Block, level.Context, LeadIn: level.LeadIn));
            _lastItem = passages.Count - 1;
        }

        _item.Clear();
    }

    /// <summary>Ends the list (and every nested level).</summary>
    public void End()
    {
        FlushItem();
        _levels.Clear();
        _lastItem = -1;
    }

    /// <summary>
    /// Code lines of a short fence, quoted as items when what comes just before ends in a colon ("Run:"): the item before the
    /// fence when it stands inside a list item (<paramref name="afterItem"/>), else the sentence before it, which becomes their
    /// lead-in. Without such an introduction the code is not quoted.
    /// </summary>
    public void IntroduceCode(List<string> code, bool afterItem)
    {
        Passage intro;
        int block;
        if (afterItem)
        {
            if (_lastItem < 0 || _lastItem != passages.Count - 1 || !passages[_lastItem].Text.EndsWith(':'))
            {
                return;
            }

            intro = passages[_lastItem];
            block = nextBlock();
        }
        else if (IntroducingSentence() is { } sentence)
        {
            block = nextBlock();
            intro = MakeLeadIn(sentence, block);
        }
        else
        {
            return;
        }

        foreach (var line in code)
        {
            passages.Add(new Passage(passages.Count, CodeItem(line), PassageKind.ListItem, block, intro.Text, LeadIn: intro.Position));
        }
    }

    /// <summary>A code line quoted as an item: in backticks (its own backticks dropped, so the span stays one span).</summary>
    private static string CodeItem(string line) => "`" + line.Replace("`", string.Empty, StringComparison.Ordinal) + "`";

    /// <summary>The last passage when it is a sentence ending in a colon: it introduces the list or code that follows.</summary>
    private Passage? IntroducingSentence() =>
        passages.Count > 0 && passages[^1] is { Kind: PassageKind.Sentence } last && last.Text.EndsWith(':') ? last : null;

    /// <summary>Makes <paramref name="sentence"/>, the last passage, the lead-in of <paramref name="block"/>.</summary>
    private Passage MakeLeadIn(Passage sentence, int block) => passages[^1] = sentence with { Kind = PassageKind.LeadIn, Block = block };

    [GeneratedRegex(@"^\[[ xX]\]\s+")]
    private static partial Regex TaskBox();

    /// <summary>One level of the list: its markers' column, its block, and the passage that introduces its items (-1: none).</summary>
    private readonly record struct Level(int Indent, int Block, int LeadIn, string? Context);
}
