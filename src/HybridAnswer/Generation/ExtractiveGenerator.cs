using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text;

namespace HybridAnswer;

/// <summary>
/// The embedded generator: answers with the sentences of the retrieved sources that best support the
/// question, each followed by its <c>[n]</c> citation, and declines when no single source covers the
/// question's content words. Lexical and model-free, so the pipeline, the CLI and tests run offline;
/// a real <c>IChatClient</c> replaces it in production.
/// </summary>
public sealed class ExtractiveGenerator : IGenerator
{
    /// <summary>The model id reported on answers this generator writes.</summary>
    public const string ModelId = "extractive";

    /// <summary>The default share of the question's weighted content terms one source must contain.</summary>
    public const double DefaultMinQuestionCoverage = 0.6;

    private const int MaxSentences = 3;

    // Words that say what kind of answer is wanted rather than what it is about; a source
    // rarely repeats them ("How long does shipping take?" is answered by "arrives in 3 days").
    private static readonly FrozenSet<string> IntentTerms = new[]
    {
        "long", "cost", "take", "time", "way", "method", "option", "kind", "type", "work", "happen", "possibl",
        "allow", "abl", "help", "make", "find", "provid", "availabl", "policy", "question", "info", "information",
        "detail", "say", "mean", "exactly", "usually", "typically", "current", "still", "ever", "anyon", "someon",
        "someth", "anyth", "thing", "go", "come", "like", "see", "wonder", "curious", "explain", "describ", "charg",
        "minimum", "maximum", "length", "number", "amount", "total", "least",
    }.Select(TextAnalyzer.Stem).ToFrozenSet(StringComparer.Ordinal);

    private readonly double _minCoverage;

    /// <summary>Initializes a new extractive generator.</summary>
    /// <param name="minQuestionCoverage">The share (0–1) of the question's weighted content terms one source must contain for the generator to answer.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minQuestionCoverage"/> is outside 0–1.</exception>
    public ExtractiveGenerator(double minQuestionCoverage = DefaultMinQuestionCoverage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minQuestionCoverage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minQuestionCoverage, 1.0);
        _minCoverage = minQuestionCoverage;
    }

    /// <inheritdoc />
    public Task<GeneratedAnswer> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var text = Extract(request);
        return Task.FromResult(text is null
            ? new GeneratedAnswer { Text = request.NoAnswerText, ModelId = ModelId, DeclineReason = NoAnswerReason.InsufficientSupport }
            : new GeneratedAnswer { Text = text, ModelId = ModelId });
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationUpdate> GenerateStreamingAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var answer = await GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        yield return new GenerationUpdate { Text = answer.Text, ModelId = answer.ModelId, DeclineReason = answer.DeclineReason };
    }

    private string? Extract(GenerationRequest request)
    {
        var question = TextAnalyzer.Terms(request.Question).Distinct(StringComparer.Ordinal).ToList();
        if (request.Sources.Count == 0 || question.Count == 0)
        {
            return null;
        }

        // A term that every retrieved source shares (the company or product name) says little about
        // whether this question is answered, so it counts half.
        var sources = request.Sources.Select((s, i) => (Number: i + 1, Source: s, Terms: TextAnalyzer.Terms(s.Title + "\n" + s.Content).ToHashSet(StringComparer.Ordinal))).ToList();
        var weights = question.ToDictionary(
            t => t,
            t => Weight(t) * (sources.Count > 2 && sources.All(s => Matches(t, s.Terms)) ? 0.5 : 1.0),
            StringComparer.Ordinal);
        var totalWeight = weights.Values.Sum();
        if (totalWeight <= 0)
        {
            return null;
        }

        // Decline unless one source covers enough of the question: support spread over unrelated sources is no support.
        var coverage = sources.Max(s => question.Where(q => Matches(q, s.Terms)).Sum(q => weights[q]) / totalWeight);
        if (coverage < _minCoverage)
        {
            return null;
        }

        var wantsQuantity = AsksForQuantity(request.Question);
        var sentences = new List<Candidate>();
        foreach (var (number, source, _) in sources)
        {
            var position = 0;
            foreach (var line in source.Content.Split('\n'))
            {
                if (line.TrimStart().StartsWith('#'))
                {
                    continue;
                }

                foreach (var sentence in TextAnalyzer.Sentences(line))
                {
                    var terms = TextAnalyzer.Terms(sentence).ToHashSet(StringComparer.Ordinal);
                    var matched = question.Where(q => Matches(q, terms)).ToList();
                    if (matched.Count > 0 && terms.Count >= 3)
                    {
                        var score = matched.Sum(q => weights[q]) + (0.5 * matched.Count(q => weights[q] == 0)) - (0.05 * (number - 1))
                                    + (wantsQuantity && sentence.Any(char.IsDigit) ? 0.75 : 0);
                        sentences.Add(new Candidate(number, position, sentence, [.. matched], score));
                    }

                    position++;
                }
            }
        }

        if (sentences.Count == 0)
        {
            return null;
        }

        var ranked = sentences.OrderByDescending(c => c.Score).ThenBy(c => c.Source).ThenBy(c => c.Position).ToList();
        var chosen = new List<Candidate> { ranked[0] };
        var covered = ranked[0].Matched.ToHashSet(StringComparer.Ordinal);
        foreach (var candidate in ranked.Skip(1))
        {
            if (chosen.Count == MaxSentences || candidate.Score < ranked[0].Score * 0.5)
            {
                break;
            }

            // A further sentence must add something: a question term not yet covered, or the next sentence of the same passage.
            var addsTerm = candidate.Matched.Any(t => !covered.Contains(t));
            var continues = chosen.Any(c => c.Source == candidate.Source && Math.Abs(c.Position - candidate.Position) == 1);
            if (addsTerm || continues)
            {
                chosen.Add(candidate);
                covered.UnionWith(candidate.Matched);
            }
        }

        var text = new StringBuilder();
        foreach (var candidate in chosen.OrderBy(c => c.Source).ThenBy(c => c.Position))
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            // A document's own "[2]" inside the quoted sentence is not a citation: only the marker appended here is.
            text.Append(Readable(CitationParser.StripMarkers(candidate.Text))).Append(" [").Append(candidate.Source).Append(']');
        }

        return text.ToString();
    }

    /// <summary>Turns a Markdown list item or table row into plain text: "| Standard | 3 to 5 days |" reads "Standard: 3 to 5 days".</summary>
    private static string Readable(string line)
    {
        var text = line.Trim().TrimStart('-', '*', '+', ' ').Replace("**", string.Empty, StringComparison.Ordinal);
        if (text.StartsWith('|'))
        {
            var cells = text.Trim('|').Split('|').Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
            text = cells.Count <= 1 ? string.Concat(cells) : cells[0] + ": " + string.Join(", ", cells.Skip(1));
        }

        return text;
    }

    private static bool AsksForQuantity(string question)
    {
        var words = TextAnalyzer.Words(question);
        for (var i = 0; i < words.Count; i++)
        {
            if ((words[i] == "how" && i + 1 < words.Count && words[i + 1] is "much" or "many" or "long" or "often" or "soon" or "far" or "big" or "old") ||
                words[i] is "when" or "minimum" or "maximum" or "lowest" or "highest" or "cost" or "price" or "fee" or "limit" or "time" or "hours" or "wattage" or "size")
            {
                return true;
            }
        }

        return false;
    }

    private static double Weight(string term) =>
        IntentTerms.Contains(term) ? 0 : term.All(char.IsDigit) ? 0.5 : 1;

    private static bool Matches(string term, HashSet<string> terms)
    {
        if (terms.Contains(term))
        {
            return true;
        }

        // Derived forms the stemmer leaves apart (refund/refundable, deliver/delivery) share a long prefix.
        if (term.Length < 5)
        {
            return false;
        }

        foreach (var other in terms)
        {
            if (other.Length >= 5 && (other.StartsWith(term, StringComparison.Ordinal) || term.StartsWith(other, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Candidate(int Source, int Position, string Text, IReadOnlyList<string> Matched, double Score);
}
