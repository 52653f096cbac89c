using System.Text;
using System.Text.RegularExpressions;

namespace HybridAnswer;

/// <summary>
/// The inline Markdown the extractive generator reads past: links (their text kept), images, emphasis, HTML tags, badge and
/// bare-link lines; code spans stay as they are.
/// </summary>
internal static partial class MarkdownInline
{
    /// <summary>
    /// Strips links (keeping their text, code included), images, emphasis, HTML tags, backslash escapes ("2\\." reads "2.") and
    /// code-fence text run into a line; code spans stay as they are.
    /// </summary>
    internal static string StripMarkdown(string text)
    {
        // Whole-text first: a fence flattened into the line is not prose, and a link's text may be a code span. (Each pattern
        // runs only where its first character occurs: most sentences hold none of them.)
        var whole = text.Contains("```", StringComparison.Ordinal) ? InlineFence().Replace(text, " ") : text;
        if (whole.Contains('[', StringComparison.Ordinal))
        {
            whole = Link().Replace(Image().Replace(whole, string.Empty), "$1");
        }

        if (!whole.Contains('`', StringComparison.Ordinal))
        {
            return Plain(whole).Trim();
        }

        var result = new StringBuilder();
        foreach (var part in CodeSpan().Split(whole))
        {
            result.Append(part.Length > 1 && part[0] == '`' && part[^1] == '`' ? part : Plain(part));
        }

        return result.ToString().Trim();
    }

    /// <summary>Text outside code spans: HTML tags and emphasis markers out, autolinks as their address, escapes resolved.</summary>
    private static string Plain(string text)
    {
        var plain = text.Contains('<', StringComparison.Ordinal) ? HtmlTag().Replace(AutoLink().Replace(text, "$1"), " ") : text;
        plain = plain.Replace("**", string.Empty, StringComparison.Ordinal).Replace("__", string.Empty, StringComparison.Ordinal);
        if (plain.Contains('\\', StringComparison.Ordinal))
        {
            plain = Escape().Replace(plain, "$1");
        }

        return plain.Contains("  ", StringComparison.Ordinal) ? Spaces().Replace(plain, " ") : plain;
    }

    internal static bool IsNoise(string line)
    {
        // Badges ([![build](...)](...)), images, bare links and a table's |---| separator carry no answer.
        var text = line.TrimStart('-', '*', '+', '>', ' ');
        return text.StartsWith("[![", StringComparison.Ordinal) || text.StartsWith("![", StringComparison.Ordinal) ||
               BareLink().IsMatch(text) || TableSeparator().IsMatch(text) || (text.StartsWith('<') && text.EndsWith('>')) ||
               LinkDefinition().IsMatch(text);
    }

    [GeneratedRegex(@"\s*```[\s\S]*?(?:```|$)\s*")]
    private static partial Regex InlineFence();

    // CommonMark's backslash escapes: a backslash before ASCII punctuation.
    [GeneratedRegex(@"\\([!-/:-@\[-`{-~])")]
    private static partial Regex Escape();

    [GeneratedRegex(@"(`[^`]*`)")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Link();

    // Closing tags, tags with attributes or self-closed, the HTML elements documentation uses, and other-scheme references
    // (<xref:…>); a placeholder in angle brackets ("<commit>", "<faulty command>") is text, kept.
    [GeneratedRegex(@"</[a-zA-Z][^>]*>|<[a-zA-Z][^>]*(?:=|/)[^>]*>|<(?:a|abbr|b|blockquote|br|caption|center|cite|code|dd|del|details|div|dl|dt|em|figcaption|figure|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|picture|pre|q|s|samp|small|span|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|var|wbr)(?=[\s>])[^>]*>|<[a-zA-Z][\w+.-]*:[^>\s]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlTag();

    // Runs of spaces a removed tag or fence leaves behind.
    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex Spaces();

    // An autolink reads as its address.
    [GeneratedRegex(@"<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+)>")]
    private static partial Regex AutoLink();

    [GeneratedRegex(@"^(<?https?://\S+>?|\[[^\]]*\]\([^)]*\))\.?$")]
    private static partial Regex BareLink();

    [GeneratedRegex(@"^\[[^\]]+\]:\s*\S+$")]
    private static partial Regex LinkDefinition();

    [GeneratedRegex(@"^\|?\s*:?-{2,}")]
    internal static partial Regex TableSeparator();

    [GeneratedRegex(@"^([-*+]|\d{1,3}[.)])\s+")]
    internal static partial Regex ListMarker();
}
