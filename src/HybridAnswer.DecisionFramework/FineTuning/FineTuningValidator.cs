using System.Globalization;
using System.Text;
using HybridAnswer.DecisionFramework;

namespace HybridAnswer.FineTuning;

/// <summary>
/// Checks a chat fine-tuning JSONL file the way the fine-tuning service and OpenAI's data-preparation cookbook do, and more:
/// format (JSON per line, a <c>messages</c> array, roles, string content, unknown keys, an assistant message last, weights
/// 0/1 on assistant messages only), tokens per example against the model's limit, enough examples, duplicates, the
/// train/validation split, the estimated training tokens and cost, and, with a <see cref="KnowledgeLeakageDetector"/>,
/// knowledge-base facts baked into answers. Every problem names its line.
/// </summary>
public sealed class FineTuningValidator
{
    // OpenAI's automatic epoch choice (fine-tuning cookbook): 3, more for tiny files, fewer for huge ones.
    private const int TargetEpochs = 3;
    private const int MinTargetExamples = 100;
    private const int MaxTargetExamples = 25_000;
    private const int MinDefaultEpochs = 1;
    private const int MaxDefaultEpochs = 25;
    private const int SmallValidationSet = 10;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly FineTuningValidationOptions _options;
    private readonly TrainingTokenCounter _tokens;

    /// <summary>Initializes a validator.</summary>
    /// <param name="options">What to check against; <see langword="null"/> for the defaults.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range (the message names its key).</exception>
    public FineTuningValidator(FineTuningValidationOptions? options = null)
        : this(options, TrainingTokenCounter.Default)
    {
    }

    internal FineTuningValidator(FineTuningValidationOptions? options, TrainingTokenCounter tokens)
    {
        _options = options ?? new FineTuningValidationOptions();
        OptionsValidation.ThrowIfInvalid(FineTuningValidationOptionsValidator.Instance, _options);
        _tokens = tokens;
    }

    /// <summary>Returns the number of epochs the fine-tuning service picks automatically for a training set.</summary>
    /// <param name="trainingExamples">The number of training examples.</param>
    /// <returns>3, raised so tiny sets see about 100 examples, lowered so huge ones see at most 25,000.</returns>
    public static int AutomaticEpochs(int trainingExamples)
    {
        if (trainingExamples <= 0)
        {
            return TargetEpochs;
        }

        if (trainingExamples * TargetEpochs < MinTargetExamples)
        {
            return Math.Min(MaxDefaultEpochs, MinTargetExamples / trainingExamples);
        }

        return trainingExamples * TargetEpochs > MaxTargetExamples ? Math.Max(MinDefaultEpochs, MaxTargetExamples / trainingExamples) : TargetEpochs;
    }

    /// <summary>Validates a JSONL file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the validation.</param>
    /// <returns>The report.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not UTF-8 text.</exception>
    public async Task<FineTuningValidationReport> ValidateFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true);
        try
        {
            return await ValidateAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"'{path}' is not valid UTF-8 text.", e);
        }
    }

    /// <summary>Validates JSONL text.</summary>
    /// <param name="reader">The text, one example per line.</param>
    /// <param name="cancellationToken">Cancels the validation.</param>
    /// <returns>The report.</returns>
    public async Task<FineTuningValidationReport> ValidateAsync(TextReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var issues = new List<FineTuningIssue>();
        var examples = new List<(int Line, TrainingExample Example, int Tokens)>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (TrainingExampleParser.Parse(line, lineNumber, issues) is not { } example)
            {
                continue;
            }

            var tokens = _tokens.Count(example);
            if (tokens > _options.Model.MaxTokensPerExample)
            {
                issues.Add(Issue(lineNumber, FineTuningIssueSeverity.Error, FineTuningIssueCodes.TooManyTokens,
                    string.Create(CultureInfo.InvariantCulture, $"the example has {tokens:N0} tokens; {_options.Model.Id} accepts at most {_options.Model.MaxTokensPerExample:N0} per example (the rest would be truncated).")));
            }

            var key = TrainingJsonl.Serialize(example);
            if (firstLineOf.TryGetValue(key, out var first))
            {
                issues.Add(Issue(lineNumber, FineTuningIssueSeverity.Warning, FineTuningIssueCodes.DuplicateExample,
                    $"the example repeats line {first}; duplicates over-weight one answer and can leak into the validation split."));
            }
            else
            {
                firstLineOf[key] = lineNumber;
            }

            if (_options.LeakageDetector is { } detector)
            {
                await CheckLeakageAsync(detector, example, lineNumber, issues, cancellationToken).ConfigureAwait(false);
            }

            examples.Add((lineNumber, example, tokens));
        }

        CheckCount(examples.Count, issues);

        var split = TrainingDataSplit.Create(examples.Select(e => e.Example).ToList(), _options.ValidationFraction, _options.SplitSeed);
        if (_options.ValidationFraction > 0 && examples.Count >= _options.MinimumExamples && split.Validation.Count < SmallValidationSet)
        {
            issues.Add(Issue(null, FineTuningIssueSeverity.Warning, FineTuningIssueCodes.SmallValidationSet,
                string.Create(CultureInfo.InvariantCulture, $"the validation split has {split.Validation.Count} example(s); fewer than {SmallValidationSet} makes validation loss noise.")));
        }

        var tokensOf = new Dictionary<TrainingExample, int>(ReferenceEqualityComparer.Instance);
        foreach (var e in examples)
        {
            tokensOf[e.Example] = e.Tokens;
        }

        var perEpoch = split.Training.Sum(e => (long)Math.Min(tokensOf[e], _options.Model.MaxTokensPerExample));
        return new FineTuningValidationReport
        {
            Model = _options.Model,
            LineCount = lineNumber,
            ExampleCount = examples.Count,
            Issues = issues.OrderBy(i => i.Line ?? int.MaxValue).ToList(),
            TrainingExampleCount = split.Training.Count,
            ValidationExampleCount = split.Validation.Count,
            TotalTokens = examples.Sum(e => (long)e.Tokens),
            MaxExampleTokens = examples.Count == 0 ? 0 : examples.Max(e => e.Tokens),
            TrainingTokensPerEpoch = perEpoch,
            Epochs = _options.Epochs ?? AutomaticEpochs(split.Training.Count),
            TokenEncoding = _tokens.Encoding,
        };
    }

    private void CheckCount(int count, List<FineTuningIssue> issues)
    {
        if (count < _options.MinimumExamples)
        {
            issues.Add(Issue(null, FineTuningIssueSeverity.Error, FineTuningIssueCodes.TooFewExamples,
                string.Create(CultureInfo.InvariantCulture, $"{count} well-formed example(s); fine-tuning needs at least {_options.MinimumExamples}.")));
        }
        else if (count < _options.RecommendedExamples)
        {
            issues.Add(Issue(null, FineTuningIssueSeverity.Warning, FineTuningIssueCodes.FewExamples,
                string.Create(CultureInfo.InvariantCulture, $"{count} example(s); fine-tuning works well from about {_options.RecommendedExamples} quality examples. With fewer, start with RAG.")));
        }
    }

    private static async Task CheckLeakageAsync(KnowledgeLeakageDetector detector, TrainingExample example, int lineNumber, List<FineTuningIssue> issues, CancellationToken cancellationToken)
    {
        for (var i = 0; i < example.Messages.Count; i++)
        {
            var message = example.Messages[i];
            if (message.Role != TrainingRole.Assistant || message.Weight == 0 || string.IsNullOrWhiteSpace(message.Content))
            {
                continue;
            }

            var leaks = await detector.FindAsync(message.Content, cancellationToken).ConfigureAwait(false);
            if (leaks.Count == 0)
            {
                continue;
            }

            var leak = leaks[0];
            var evidence = leak.SharedFacts.Count > 0
                ? $"shares {string.Join(", ", leak.SharedFacts.Select(f => $"'{f}'"))} and {leak.Overlap:P0} of its terms"
                : $"shares {leak.Overlap:P0} of its terms";
            var more = leaks.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" ({leaks.Count - 1} more sentence(s) too)") : string.Empty;
            issues.Add(Issue(lineNumber, FineTuningIssueSeverity.Warning, FineTuningIssueCodes.KnowledgeLeakage, string.Create(CultureInfo.InvariantCulture,
                $"message {i + 1} states a knowledge-base fact: \"{Shorten(leak.Sentence)}\" {evidence} with '{leak.DocumentId}'{more}. Facts baked into weights go stale and cannot be cited; keep them in retrieval (RAG or hybrid) and train style only.")));
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");

    private static FineTuningIssue Issue(int? line, FineTuningIssueSeverity severity, string code, string message) =>
        new() { Line = line, Severity = severity, Code = code, Message = message };
}
