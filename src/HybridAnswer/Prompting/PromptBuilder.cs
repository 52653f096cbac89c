using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace HybridAnswer;

/// <summary>
/// Builds the chat messages for a generation request — grounded instructions (system), then in the user message the
/// sources inside <c>&lt;sources&gt;</c>, each its own <c>&lt;source id="n" title="…"&gt;</c> element, the customer block inside
/// <c>&lt;customer&gt;</c>, and the question — and packs sources into the token budget.
/// </summary>
/// <remarks>
/// Untrusted text (titles, content, customer facts, the question) can never open or close an element: every angle bracket in
/// it, and every character a reader could take for one (full-width, small, CJK and mathematical angle brackets, single
/// guillemets), is written as <c>&amp;lt;</c> or <c>&amp;gt;</c>. That covers every spelling of a closing tag at once —
/// <c>&lt;/sources\u200b&gt;</c>, <c>＜/sources＞</c>, <c>&lt;/sources foo=1&gt;</c>, <c>&lt;\/sources&gt;</c> — rather than a
/// list of known ones. A source's number lives only in its element's attribute, so a chunk whose text starts a line with
/// "[2] Shipping:" is still visibly inside source 1.
/// </remarks>
internal static class PromptBuilder
{
    internal const string SourcesOpen = "<sources>";
    internal const string SourcesClose = "</sources>";
    internal const string CustomerOpen = "<customer>";
    internal const string CustomerClose = "</customer>";

    private const int MaxCustomerValueChars = 200;

    // '<' and '>' and the characters that look like them (NFKC folds the full-width and small forms into '<' and '>'; the
    // others are angle brackets of other scripts a model reads the same way).
    private const string OpeningLookAlikes = "<\uFF1C\uFE64\u2039\u3008\u2329\u27E8\u02C2\u1438\u276E\u276C\u2770\u29FC\u300A\u226A\u2AA1";
    private const string ClosingLookAlikes = ">\uFF1E\uFE65\u203A\u3009\u232A\u27E9\u02C3\u1433\u276F\u276D\u2771\u29FD\u300B\u226B\u2AA2";
    private static readonly System.Buffers.SearchValues<char> AngleBrackets = System.Buffers.SearchValues.Create(OpeningLookAlikes + ClosingLookAlikes);

    /// <summary>
    /// Makes the prompt of a request: its sources packed into the token budget (see <see cref="Pack"/>), and the messages that
    /// carry them, built from those packed sources. The one way a prompt is made: the answerer calls it, and a chat generator
    /// called directly (without a prompt in its request) calls it too.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="options">The instructions and the budget.</param>
    /// <param name="toBudget"><see langword="false"/> for a generator that sends no prompt (the extractive one): no token is counted,
    /// the sources are only rid of duplicates (<see cref="UniqueSources"/>); the budget is a chat model's context window.</param>
    public static Prompt Create(GenerationRequest request, PromptOptions options, bool toBudget = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        return new Prompt(request with { Sources = toBudget ? Pack(request, options) : UniqueSources.Of(request) }, options);
    }

    /// <summary>Builds the messages with every source of the request, numbered from 1.</summary>
    internal static List<ChatMessage> Build(GenerationRequest request, PromptOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new PromptOptions();
        var tail = UserTail(request, options);
        var user = new StringBuilder(tail.Length + (request.Mode.Retrieves ? request.Sources.Sum(s => s.Title.Length + s.Content.Length + 64) + 32 : 0));
        if (request.Mode.Retrieves && request.Sources.Count > 0)
        {
            user.Append(SourcesOpen).Append('\n');
            for (var i = 0; i < request.Sources.Count; i++)
            {
                AppendSource(user, i + 1, request.Sources[i]);
            }

            user.Append(SourcesClose).Append("\n\n");
        }

        user.Append(tail);
        return [new ChatMessage(ChatRole.System, Instructions(request, options)), new ChatMessage(ChatRole.User, user.ToString())];
    }

    /// <summary>The user message after the sources: the customer block, then the question.</summary>
    private static string UserTail(GenerationRequest request, PromptOptions options) =>
        CustomerBlock(request.Customer, options.MaxCustomerContextChars) + "Question: " + Neutralize(request.Question);

    /// <summary>
    /// The tokens of the prompt without sources, as <see cref="CountTokens"/> would count its two messages: the instructions'
    /// count cached (they change only with the options and the mode), the question's counted. Counting the whole empty prompt
    /// on every answer cost 15 µs of the answer's 75 µs library overhead.
    /// </summary>
    private static int BaseTokens(GenerationRequest request, PromptOptions options)
    {
        var instructions = Instructions(request, options);
        if (!InstructionTokenCache.TryGetValue(instructions, out var tokens))
        {
            tokens = PromptTokenizer.Count(instructions);
            if (InstructionTokenCache.Count >= MaxCachedInstructions)
            {
                InstructionTokenCache.Clear();
            }

            InstructionTokenCache[instructions] = tokens;
        }

        return (2 * PromptTokenizer.TokensPerMessage) + tokens + PromptTokenizer.Count(UserTail(request, options)) + PromptTokenizer.TokensPerPrompt;
    }

    private const int MaxCachedSources = 100_000;

    // Instructions differ by options and mode only; a host that writes them per request still stays bounded.
    private const int MaxCachedInstructions = 256;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> InstructionTokenCache = new(StringComparer.Ordinal);

    // How far a token count of joined pieces can differ from the sum of the pieces' counts, per join (BPE merges across a boundary).
    private const int BoundaryMargin = 4;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Title, int Content, int Length), int> SourceTokenCache = new();

    /// <summary>
    /// Chooses the sources that fit the budget <see cref="PromptOptions.MaxPromptTokens"/> − <see cref="PromptOptions.MaxAnswerTokens"/>:
    /// highest-ranked first (the order given), duplicates (same chunk id or same text) skipped, a source that does not fit
    /// skipped in favour of smaller ones after it. When not even the best source fits, its beginning is kept.
    /// </summary>
    internal static IReadOnlyList<RetrievedChunk> Pack(GenerationRequest request, PromptOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (!request.Mode.Retrieves || request.Sources.Count == 0)
        {
            return [];
        }

        var budget = options.MaxPromptTokens - options.MaxAnswerTokens;
        var used = BaseTokens(request, options) + SourcesFrameTokens.Value;
        var packed = new List<RetrievedChunk>(request.Sources.Count);
        foreach (var source in UniqueSources.In(request.Sources))
        {
            var cost = SourceTokens(packed.Count + 1, source);
            if (used + cost <= budget)
            {
                packed.Add(source);
                used += cost;
            }
        }

        if (packed.Count == 0)
        {
            var best = request.Sources[0];
            var room = budget - used - PromptTokenizer.Count(FormatSource(1, best with { Content = string.Empty }));
            if (room >= 32)
            {
                packed.Add(best with { Content = PromptTokenizer.Truncate(best.Content, room) });
            }
        }

        // Token counts of concatenated pieces can differ by a few from the sum of their parts: when the estimate is within that
        // margin of the budget, count the real prompt (tokenizing the whole prompt on every answer would cost more than the rest
        // of the pipeline together).
        if (used + (BoundaryMargin * (packed.Count + 4)) <= budget)
        {
            return packed;
        }

        while (packed.Count > 0 && CountTokens(Build(request with { Sources = packed }, options)) > budget)
        {
            packed.RemoveAt(packed.Count - 1);
        }

        return packed;
    }

    /// <summary>
    /// The tokens of one formatted source. Counts are cached by title and content (bounded; the same chunks are retrieved again
    /// and again), for the id "1"; ids of two or more digits add a token.
    /// </summary>
    private static int SourceTokens(int number, RetrievedChunk source)
    {
        var key = (source.Title.GetHashCode(StringComparison.Ordinal), source.Content.GetHashCode(StringComparison.Ordinal), source.Content.Length);
        if (!SourceTokenCache.TryGetValue(key, out var count))
        {
            count = PromptTokenizer.Count(FormatSource(1, source));
            if (SourceTokenCache.Count >= MaxCachedSources)
            {
                SourceTokenCache.Clear();
            }

            SourceTokenCache[key] = count;
        }

        return count + (number >= 10 ? 1 : 0);
    }

    /// <summary>Counts the tokens of the messages as a chat model sees them, framing included.</summary>
    public static int CountTokens(IEnumerable<ChatMessage> messages) =>
        messages.Sum(m => PromptTokenizer.TokensPerMessage + PromptTokenizer.Count(m.Text)) + PromptTokenizer.TokensPerPrompt;

    private static string Instructions(GenerationRequest request, PromptOptions options)
    {
        if (!request.Mode.Retrieves)
        {
            return Fill(options.UngroundedInstructions, request);
        }

        var text = Fill(options.GroundedInstructions, request);
        return request.Mode == AnswerMode.Hybrid ? text + " " + Fill(options.BrandVoiceInstructions, request) : text;
    }

    private static string Fill(string template, GenerationRequest request) =>
        template.Replace("{NoAnswerText}", request.NoAnswerText, StringComparison.Ordinal);

    internal static string FormatSource(int number, RetrievedChunk source) => AppendSource(new StringBuilder(), number, source).ToString();

    private static StringBuilder AppendSource(StringBuilder text, int number, RetrievedChunk source) =>
        text.Append("<source id=\"").Append(number.ToString(CultureInfo.InvariantCulture)).Append("\" title=\"")
            .Append(Neutralize(OneLine(source.Title)).Replace("\"", "&quot;", StringComparison.Ordinal)).Append("\">\n")
            .Append(Neutralize(source.Content.Trim())).Append("\n</source>\n");

    private static readonly Lazy<int> SourcesFrameTokens = new(() => PromptTokenizer.Count(SourcesOpen + "\n" + SourcesClose + "\n\n"));

    private static string? CustomerBlock(CustomerContext? customer, int maxChars)
    {
        if (customer is null || maxChars <= 0)
        {
            return null;
        }

        var lines = new List<string>();
        if (customer.Tier is not null)
        {
            lines.Add("Tier: " + Value(customer.Tier));
        }

        if (customer.OrderCount is { } orders)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"Orders: {orders}"));
        }

        if (customer.MemberSince is { } since)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"Member since: {since:yyyy-MM-dd}"));
        }

        foreach (var (key, value) in customer.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            lines.Add(Value(key) + ": " + Value(value));
        }

        if (lines.Count == 0)
        {
            return null;
        }

        // Whole lines only: a fact cut in half could say something the customer record does not.
        var block = new StringBuilder();
        foreach (var line in lines)
        {
            if (block.Length + line.Length + 1 > maxChars)
            {
                break;
            }

            block.Append(line).Append('\n');
        }

        return block.Length == 0 ? null : CustomerOpen + "\n" + block + CustomerClose + "\n\n";

        static string Value(string value)
        {
            var text = Neutralize(OneLine(value));
            return text.Length <= MaxCustomerValueChars ? text : text[..MaxCustomerValueChars] + "…";
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    /// <summary>Writes every angle bracket of the text, and every look-alike of one, as an entity: the text cannot form a tag.</summary>
    internal static string Neutralize(string text)
    {
        var first = text.AsSpan().IndexOfAny(AngleBrackets);
        if (first < 0)
        {
            return text;
        }

        // From bracket to bracket: the text between two is copied as one span (char by char, 4,300 characters cost 24 µs).
        var result = new StringBuilder(text.Length + 16);
        var rest = text.AsSpan();
        for (var next = first; next >= 0; next = rest.IndexOfAny(AngleBrackets))
        {
            result.Append(rest[..next]).Append(OpeningLookAlikes.Contains(rest[next], StringComparison.Ordinal) ? "&lt;" : "&gt;");
            rest = rest[(next + 1)..];
        }

        result.Append(rest);
        return result.ToString();
    }
}
