using System.Text;

namespace HybridAnswer;

/// <summary>
/// Numbered sources for a model that is not the answerer's own generator (an agent, a tool-calling chat client): the same
/// delimited <c>&lt;sources&gt;</c> block the answerer's prompt carries, and the model's <c>[n]</c> markers mapped back to
/// <see cref="Citation"/>s. Source <c>n</c> is the n-th of the list, counting from 1.
/// </summary>
public static class NumberedSources
{
    /// <summary>
    /// Writes the sources as the answerer's prompt does: a <c>&lt;sources&gt;</c> element holding one
    /// <c>&lt;source id="n" title="…"&gt;</c> element per source. Angle brackets (and their look-alikes) in titles and text are
    /// escaped, so a document cannot close the block or forge another source's number.
    /// </summary>
    /// <param name="sources">The sources, in the order their numbers follow.</param>
    /// <returns>The block, ending with a line break; an empty block when there are no sources.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sources"/> or one of its items is <see langword="null"/>.</exception>
    public static string Format(IReadOnlyList<RetrievedChunk> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var text = new StringBuilder(PromptBuilder.SourcesOpen).Append('\n');
        for (var i = 0; i < sources.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(sources[i], nameof(sources));
            text.Append(PromptBuilder.FormatSource(i + 1, sources[i]));
        }

        return text.Append(PromptBuilder.SourcesClose).Append('\n').ToString();
    }

    /// <summary>
    /// Maps the <c>[n]</c> and <c>[n, m]</c> markers of a model's text to the sources they cite, in order of first appearance,
    /// each source once. Markers that point at no source are ignored (the answerer reports those in
    /// <see cref="Answer.InvalidCitationMarkers"/>).
    /// </summary>
    /// <param name="text">The model's text.</param>
    /// <param name="sources">The sources the model was given, in the order of their numbers.</param>
    /// <returns>The citations; empty when the text cites nothing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="sources"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<Citation> Cite(string text, IReadOnlyList<RetrievedChunk> sources)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sources);
        return CitationParser.Parse(text, sources).Citations;
    }
}
