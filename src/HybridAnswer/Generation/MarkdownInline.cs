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
        // Whole-text first: a fence flattened into the line is not prose, and a link's text may be a code span.
        var whole = InlineFence().Replace(text, " ");
        whole = Link().Replace(Image().Replace(whole, string.Empty), "$1");
        var parts = CodeSpan().Split(whole);
        var result = new StringBuilder();
        foreach (var part in parts)
        {
            if (part.Length > 1 && part[0] == '`' && part[^1] == '`')
            {
                result.Append(part);
                continue;
            }

            var plain = HtmlTag().Replace(part, " ");
            plain = plain.Replace("**", string.Empty, StringComparison.Ordinal).Replace("__", string.Empty, StringComparison.Ordinal);
            result.Append(Escape().Replace(plain, "$1"));
        }

        return result.ToString().Trim();
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

    [GeneratedRegex(@"</?[a-zA-Z][^>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"^(<?https?://\S+>?|\[[^\]]*\]\([^)]*\))\.?$")]
    private static partial Regex BareLink();

    [GeneratedRegex(@"^\[[^\]]+\]:\s*\S+$")]
    private static partial Regex LinkDefinition();

    [GeneratedRegex(@"^\|?\s*:?-{2,}")]
    internal static partial Regex TableSeparator();

    [GeneratedRegex(@"^([-*+]|\d{1,3}[.)])\s+")]
    internal static partial Regex ListMarker();
}
