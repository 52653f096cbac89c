namespace HybridAnswer;

/// <summary>What a quotable passage is in its chunk: it decides what must be quoted with it.</summary>
internal enum PassageKind
{
    /// <summary>A sentence of a paragraph.</summary>
    Sentence,

    /// <summary>A sentence ending in a colon directly before a list: quoted with the list's items.</summary>
    LeadIn,

    /// <summary>A list item: quoted after its lead-in.</summary>
    ListItem,

    /// <summary>A table row: read with its header ("Plan — Price: $10").</summary>
    TableRow,
}

/// <summary>
/// One quotable unit of a chunk (see <see cref="PassageReader"/>).
/// </summary>
/// <param name="Position">The passage's order in its chunk.</param>
/// <param name="Text">The plain text quoted (a table row already read with its header).</param>
/// <param name="Kind">What the passage is.</param>
/// <param name="Block">The list or table it belongs to (a lead-in carries its list's); -1 for a paragraph sentence.</param>
/// <param name="Context">A list item's lead-in, or a table row's header cells; <see langword="null"/> when there is none.</param>
/// <param name="Term">
/// The term a definition paragraph defines: its short first line ("--purge", "hold", "Cache-Start") when the paragraph goes on
/// below it; <see langword="null"/> for other passages.
/// </param>
/// <param name="Paragraph">The paragraph a sentence or lead-in belongs to (numbered in the chunk); -1 for other passages.</param>
/// <param name="LeadIn">
/// The position of the passage that introduces a list item (a sentence ending in a colon before the list, or the parent item of a
/// nested list when it ends in a colon); -1 when the item has none, and for other passages.
/// </param>
internal sealed record Passage(int Position, string Text, PassageKind Kind, int Block, string? Context, string? Term = null, int Paragraph = -1, int LeadIn = -1)
{
    /// <summary>Gets the text matched against the question: a list item with its lead-in, so the item is found by what the list is about.</summary>
    public string MatchText => Kind == PassageKind.ListItem && Context is not null ? Context + " " + Text : Text;
}

/// <summary>The kind of figure a question asks for (see <see cref="Figures.AskedIn"/>).</summary>
internal enum FigureKind
{
    /// <summary>The question asks for no figure.</summary>
    None,

    /// <summary>Any figure: a size, a limit, a rate.</summary>
    Any,

    /// <summary>A count ("how many users"): only a number states it.</summary>
    Count,

    /// <summary>An amount of money.</summary>
    Money,

    /// <summary>A duration or a point in time.</summary>
    Duration,
}
