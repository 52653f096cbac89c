using System.Collections.Frozen;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace HybridAnswer;

/// <summary>
/// The embedded generator: answers with the sentences (or table rows, read as "Parameter: value") of the retrieved sources
/// that best support the question, each followed by the <c>[n]</c> citation of the source it came from, and declines when no
/// single source covers the question's content words. Headings, badge lines, bare links and code-fence lines are never quoted;
/// Markdown noise (links, emphasis, HTML) is stripped while code spans stay; a document's own <c>[n]</c> inside a quoted
/// sentence is neutralised so it cannot pass for a citation. Given an embedding generator (the knowledge base's, in DI) it
/// also ranks sentences by their similarity to the question, so a paraphrased question finds its sentence. Model-free
/// otherwise, so the pipeline, the CLI and tests run offline; a real <c>IChatClient</c> replaces it in production.
/// </summary>
public sealed partial class ExtractiveGenerator : IGenerator
{
    /// <summary>The model id reported on answers this generator writes.</summary>
    public const string ModelId = "extractive";

    /// <summary>The default share of the question's weighted content terms one source must contain.</summary>
    public const double DefaultMinQuestionCoverage = 0.6;

    /// <summary>The default cosine similarity between the question and one sentence that counts as support when an embedder is given.</summary>
    public const double DefaultMinSentenceSimilarity = 0.35;

    private const int MaxSentences = 3;

    // How much a source's rank (1 for the retriever's best) costs each of its sentences: the best-ranked source that supports
    // the question is quoted, not a lower one whose sentence shares a word more.
    private const double SourceRankPenalty = 0.05;

    // How much a sentence of a definition paragraph gains when its defined term is one the question names (see Passage.Term).
    private const double DefinedTermWeight = 2.0;

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

    // How much a sentence's similarity to the question counts against its lexical overlap when an embedder is given.
    private const double SemanticWeight = 2.0;

    private readonly double _minCoverage;
    private readonly double _minSimilarity;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embedder;

    /// <summary>Initializes a new extractive generator.</summary>
    /// <param name="minQuestionCoverage">
    /// The support threshold: the share (0–1) of the question's weighted content terms one source must contain for the generator
    /// to answer.
    /// </param>
    /// <param name="embedder">Ranks sentences by meaning as well as by shared words; <see langword="null"/> for lexical only.</param>
    /// <param name="minSentenceSimilarity">
    /// The semantic support threshold, used with an <paramref name="embedder"/>: a sentence at least this similar (cosine, −1 to 1)
    /// to the question supports it even where the words differ. Its scale is the embedder's; calibrate it with
    /// <c>hybrid-answer eval --calibrate</c>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minQuestionCoverage"/> is outside 0–1 or <paramref name="minSentenceSimilarity"/> outside −1 to 1.</exception>
    public ExtractiveGenerator(double minQuestionCoverage = DefaultMinQuestionCoverage, IEmbeddingGenerator<string, Embedding<float>>? embedder = null, double minSentenceSimilarity = DefaultMinSentenceSimilarity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minQuestionCoverage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minQuestionCoverage, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSentenceSimilarity, -1.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minSentenceSimilarity, 1.0);
        _minCoverage = minQuestionCoverage;
        _minSimilarity = minSentenceSimilarity;
        _embedder = embedder;
    }

    /// <summary>Gets whether sentences are ranked and supported by meaning (an embedder was given).</summary>
    public bool UsesEmbeddings => _embedder is not null;

    /// <inheritdoc />
    public async Task<GeneratedAnswer> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var text = await ExtractAsync(request, cancellationToken).ConfigureAwait(false);
        return text is null
            ? new GeneratedAnswer { Text = request.NoAnswerText, ModelId = ModelId, DeclineReason = NoAnswerReason.InsufficientSupport }
            : new GeneratedAnswer { Text = text, ModelId = ModelId };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationUpdate> GenerateStreamingAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var answer = await GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        yield return new GenerationUpdate { Text = answer.Text, ModelId = answer.ModelId, DeclineReason = answer.DeclineReason };
    }

    private async Task<string?> ExtractAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        var analysis = await AnalyseAsync(request, cancellationToken).ConfigureAwait(false);
        return analysis is null || !Supports(analysis) ? null : Quote(analysis, request.Question);
    }

    /// <summary>The quoted answer, or <see langword="null"/> when what the support says does not answer the question, whatever the thresholds.</summary>
    private static string? Quote(Analysis analysis, string question)
    {
        // A name the question uses that no retrieved source mentions ("Oracle's driver" asked of another driver's docs) means the
        // sources are about something else, however close their sentences are in meaning.
        if (analysis.UnknownName is not null)
        {
            return null;
        }

        var text = QuotedAnswer.Compose(QuotedAnswer.Choose(analysis.Candidates, MaxSentences), analysis.Passages);

        // A question asking for a figure (a price, a limit, a duration) is not answered by support that states none: quoting a
        // nearby sentence without one would read as an answer while giving none. (Falling back to a nearly-as-good passage that
        // states a figure was measured and dropped: it answered more near-domain unanswerables than it rescued answerable ones.)
        return Figures.StatedIn(text, analysis.WantsFigure, question) ? text : null;
    }

    /// <summary>Whether the best source supports the question: enough of its words, or (with an embedder) one sentence close enough in meaning.</summary>
    private bool Supports(Analysis analysis) =>
        analysis.Coverage >= _minCoverage || (_embedder is not null && analysis.Similarity >= _minSimilarity);

    /// <summary>
    /// The support figures the refusal decision is made on, for calibration (<c>hybrid-answer eval --calibrate</c>): the best
    /// source's lexical coverage of the question and the best sentence's similarity to it (0 without an embedder), and whether
    /// the question is declined whatever the thresholds (a figure asked and not stated, a name no source mentions);
    /// <see langword="null"/> when there is nothing to quote at all. Public for the decision-framework package's refusal
    /// calibrator, which measures the same figures the generator refuses on rather than re-implementing them.
    /// </summary>
    /// <param name="request">The question and the retrieved sources.</param>
    /// <param name="cancellationToken">Cancels the embedding calls.</param>
    /// <returns>The support figures, or <see langword="null"/> when there is nothing to quote.</returns>
    public async Task<ExtractiveSupport?> MeasureSupportAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var analysis = await AnalyseAsync(request, cancellationToken).ConfigureAwait(false);
        return analysis is null ? null : new ExtractiveSupport(analysis.Coverage, analysis.Similarity, Quote(analysis, request.Question) is null);
    }

    private async Task<Analysis?> AnalyseAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        var question = TextAnalyzer.Terms(request.Question).Distinct(StringComparer.Ordinal).ToList();
        if (request.Sources.Count == 0 || question.Count == 0)
        {
            return null;
        }

        // A term that every retrieved source shares (the company or product name) says little about
        // whether this question is answered, so it counts half.
        // Which question terms each source matches, found once for the weights and the coverage (a match scans the source's terms).
        var sources = request.Sources.Select((s, i) =>
        {
            var terms = SourceTerms(s);
            return (Number: i + 1, Source: s, Terms: terms, Matched: question.Where(q => QuestionTerms.Matches(q, terms)).ToList());
        }).ToList();
        var weights = question.ToDictionary(
            t => t,
            t => Weight(t) * (sources.Count > 2 && sources.All(s => s.Matched.Contains(t)) ? 0.5 : 1.0),
            StringComparer.Ordinal);
        var totalWeight = weights.Values.Sum();
        if (totalWeight <= 0)
        {
            return null;
        }

        var wantsQuantity = AsksForQuantity(request.Question);
        var questionTokens = QuestionTerms.Tokens(request.Question);
        var sentences = new List<Candidate>();
        var passages = new Dictionary<int, List<Passage>>();
        var definesAskedTerm = QuestionTerms.DefinesAskedTermOnce(questionTokens);
        foreach (var (number, source, _, _) in sources)
        {
            passages[number] = PassageReader.Read(source.Content);
            foreach (var passage in passages[number])
            {
                // Tokenized once: the terms and the figure check read the same words (a list item's text apart from its lead-in).
                var matchText = passage.MatchText;
                var words = TextAnalyzer.Words(matchText);
                var terms = TextAnalyzer.Terms(words, TextAnalyzer.Stem).ToHashSet(StringComparer.Ordinal);
                var matched = question.Where(q => QuestionTerms.Matches(q, terms)).ToList();
                if (terms.Count >= 3 && (matched.Count > 0 || _embedder is not null))
                {
                    var score = matched.Sum(q => weights[q]) + (0.5 * matched.Count(q => weights[q] == 0)) - (SourceRankPenalty * (number - 1))
                                + (wantsQuantity && Figures.HasAny(passage.Text, ReferenceEquals(matchText, passage.Text) ? words : TextAnalyzer.Words(passage.Text)) ? 0.75 : 0)
                                + (definesAskedTerm(passage) ? DefinedTermWeight : 0);
                    sentences.Add(new Candidate(number, passage, [.. matched], score));
                }
            }
        }

        if (sentences.Count == 0)
        {
            return null;
        }

        // Support spread over unrelated sources is no support: the coverage is the best single source's.
        var coverage = sources.Max(s => s.Matched.Sum(q => weights[q]) / totalWeight);
        var best = 0.0;
        if (_embedder is not null)
        {
            var similarity = await SimilaritiesAsync(request.Question, sentences, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < sentences.Count; i++)
            {
                sentences[i] = sentences[i] with { Score = sentences[i].Score + (SemanticWeight * similarity[i] * Math.Max(1, totalWeight)) };
            }

            best = similarity.Max();
        }

        var unknownName = QuestionTerms.NameNoSourceMentions(request.Question, [.. sources.Select(s => s.Terms)]);
        return new Analysis(sentences, passages, coverage, best, Figures.AskedIn(request.Question), unknownName);
    }

    private async Task<float[]> SimilaritiesAsync(string question, List<Candidate> sentences, CancellationToken cancellationToken)
    {
        var embeddings = await _embedder!.GenerateAsync([question, .. sentences.Select(c => c.Passage.MatchText)], cancellationToken: cancellationToken).ConfigureAwait(false);
        var query = embeddings[0].Vector.Span;
        var result = new float[sentences.Count];
        for (var i = 0; i < sentences.Count; i++)
        {
            result[i] = TensorPrimitives.CosineSimilarity(query, embeddings[i + 1].Vector.Span);
        }

        return result;
    }

    /// <summary>The terms of a source's title and content (no word spans the line between them, so no title-and-content copy is made).</summary>
    private static HashSet<string> SourceTerms(RetrievedChunk source)
    {
        var terms = TextAnalyzer.Terms(source.Title).ToHashSet(StringComparer.Ordinal);
        terms.UnionWith(TextAnalyzer.Terms(source.Content));
        return terms;
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

    private sealed record Analysis(List<Candidate> Candidates, Dictionary<int, List<Passage>> Passages, double Coverage, double Similarity, FigureKind WantsFigure, string? UnknownName);
}
