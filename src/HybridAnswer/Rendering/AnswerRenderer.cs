using System.Text;

namespace HybridAnswer;

/// <summary>
/// Renders an answer's text safely. <see cref="Answer.Text"/> is untrusted: it is what a model wrote, and a model repeats what
/// its sources and the question put in front of it, so it may hold HTML, script, Markdown links and images, or terminal control
/// sequences. The library passes it through verbatim; display it only through one of these methods (or your own encoder).
/// Citation markers (<c>[1]</c>) stay plain text in every form; link them yourself from <see cref="Answer.Citations"/>.
/// </summary>
/// <remarks>
/// Each method accepts the whole text or one streamed delta (<see cref="AnswerUpdate.Text"/>): the output of the deltas joined is
/// the output of the text joined, except that a surrogate pair or a CR LF split across two deltas is rendered as two characters.
/// </remarks>
public static class AnswerRenderer
{
    /// <summary>Renders the answer's text as plain text: see <see cref="ToPlainText(string)"/>.</summary>
    /// <param name="answer">The answer.</param>
    /// <returns>The text without control characters.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="answer"/> is <see langword="null"/>.</exception>
    public static string ToPlainText(Answer answer) => ToPlainText(Checked(answer).Text);

    /// <summary>
    /// Renders text for a terminal or a log: line breaks become <c>\n</c>; tabs stay; every other control character (C0, DEL, C1,
    /// so no ANSI escape sequence), every bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069, which can make text
    /// read differently from what it is) and every lone surrogate is removed.
    /// </summary>
    /// <param name="text">Untrusted text, e.g. <see cref="Answer.Text"/>.</param>
    /// <returns>The text without control characters.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static string ToPlainText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        AppendPlain(builder, text, static (b, c) => b.Append(c));
        return builder.ToString();
    }

    /// <summary>Renders the answer's text as HTML: see <see cref="ToHtml(string)"/>.</summary>
    /// <param name="answer">The answer.</param>
    /// <returns>HTML that displays the text literally.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="answer"/> is <see langword="null"/>.</exception>
    public static string ToHtml(Answer answer) => ToHtml(Checked(answer).Text);

    /// <summary>
    /// Renders text as HTML that displays it literally: the plain text of <see cref="ToPlainText(string)"/> with <c>&amp;</c>,
    /// <c>&lt;</c>, <c>&gt;</c>, <c>"</c> and <c>'</c> encoded and each line break as <c>&lt;br&gt;</c>. No tag, attribute,
    /// entity or link of the text survives. Safe as element content or in a quoted attribute value; not inside
    /// <c>&lt;script&gt;</c>, <c>&lt;style&gt;</c>, an unquoted attribute or a URL.
    /// </summary>
    /// <param name="text">Untrusted text, e.g. <see cref="Answer.Text"/>.</param>
    /// <returns>HTML that displays the text literally.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static string ToHtml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + (text.Length / 8));
        AppendPlain(builder, text, static (b, c) => _ = c switch
        {
            '&' => b.Append("&amp;"),
            '<' => b.Append("&lt;"),
            '>' => b.Append("&gt;"),
            '"' => b.Append("&quot;"),
            '\'' => b.Append("&#39;"),
            '\n' => b.Append("<br>\n"),
            _ => b.Append(c),
        });
        return builder.ToString();
    }

    /// <summary>Renders the answer's text as Markdown: see <see cref="ToMarkdown(string)"/>.</summary>
    /// <param name="answer">The answer.</param>
    /// <returns>Markdown that displays the text literally.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="answer"/> is <see langword="null"/>.</exception>
    public static string ToMarkdown(Answer answer) => ToMarkdown(Checked(answer).Text);

    /// <summary>
    /// Renders text as Markdown (CommonMark, GitHub Flavored Markdown) that displays it literally: the plain text of
    /// <see cref="ToPlainText(string)"/> with every ASCII punctuation character backslash-escaped, so no link, image, raw HTML,
    /// entity, autolink in angle brackets, code span, emphasis, heading or list of the text is parsed. A citation marker
    /// <c>[1]</c> is written <c>\[1\]</c> and shows as <c>[1]</c>. A renderer with GFM's extended autolinks still shows a bare
    /// <c>https://</c> or <c>www.</c> address as a link (never <c>javascript:</c>): use <see cref="ToHtml(string)"/> where even
    /// that must not happen.
    /// </summary>
    /// <param name="text">Untrusted text, e.g. <see cref="Answer.Text"/>.</param>
    /// <returns>Markdown that displays the text literally.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static string ToMarkdown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + (text.Length / 4));
        AppendPlain(builder, text, static (b, c) =>
        {
            if (char.IsAsciiLetterOrDigit(c) || c > '~' || c <= ' ')
            {
                b.Append(c);
            }
            else
            {
                b.Append('\\').Append(c);
            }
        });
        return builder.ToString();
    }

    private static Answer Checked(Answer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer;
    }

    /// <summary>Appends each character the plain text keeps through <paramref name="append"/>; line breaks as '\n'.</summary>
    private static void AppendPlain(StringBuilder builder, string text, Action<StringBuilder, char> append)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' || c == '\u2028' || c == '\u2029' || c == '\u0085')
            {
                // CR LF, a lone CR, and the Unicode line and paragraph separators are one line break each.
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                append(builder, '\n');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (c == '\n' || c == '\t' || !(char.IsControl(c) || char.IsSurrogate(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'))
            {
                append(builder, c);
            }
        }
    }
}
