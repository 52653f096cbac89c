using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>
/// Answers questions from a knowledge base: validates the question, retrieves (except in
/// <see cref="AnswerMode.FineTuned"/> mode), refuses without a model call when nothing relevant was
/// found, adds the customer context, generates, and maps the <c>[n]</c> citations. Thread-safe; register it as a singleton.
/// </summary>
public sealed class HybridAnswerer
{
    private readonly IRetriever _retriever;
    private readonly IGenerator _generator;
    private readonly ICustomerContextProvider? _customers;
    private readonly HybridAnsweringOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes a new answerer.</summary>
    /// <param name="retriever">Finds the sources.</param>
    /// <param name="generator">Writes the answer.</param>
    /// <param name="options">The defaults; validated here.</param>
    /// <param name="customers">Supplies customer facts for <see cref="AnswerOptions.CustomerId"/>; optional.</param>
    /// <param name="logger">Logs one line per answer (counts, ids and durations; never question text, content or customer data); optional.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public HybridAnswerer(IRetriever retriever, IGenerator generator, IOptions<HybridAnsweringOptions> options, ICustomerContextProvider? customers = null, ILogger<HybridAnswerer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(options);
        _retriever = retriever;
        _generator = generator;
        _customers = customers;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _options = options.Value;
        var validation = new HybridAnsweringOptionsValidator().Validate(Options.DefaultName, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(HybridAnsweringOptions), validation.Failures);
        }

        PromptTokenizer.WarmUp();
    }

    /// <summary>Answers a question.</summary>
    /// <param name="question">The question, at most <see cref="HybridAnsweringOptions.MaxQuestionLength"/> characters.</param>
    /// <param name="options">Per-call overrides; the configured defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels retrieval and generation.</param>
    /// <returns>The answer, or a refusal (<see cref="Answer.Answered"/> = <see langword="false"/>) with its reason.</returns>
    /// <exception cref="ArgumentException">The question is empty, whitespace or too long, or an option is out of range.</exception>
    /// <exception cref="AnswerGenerationException">The model call failed after its retries (and the fallback, when enabled) or timed out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Answer> AnswerAsync(string question, AnswerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var call = Resolve(question, options);
        using var activity = StartAnswerActivity(call);
        var stage = "retrieval";
        try
        {
            var (sources, retrieval) = await RetrieveAsync(call, cancellationToken).ConfigureAwait(false);
            if (call.Mode != AnswerMode.FineTuned && sources.Count == 0)
            {
                return Record(activity, Refusal(call, NoAnswerReason.NoRelevantSources, sources, retrieval, started));
            }

            stage = "prompt";
            var request = await CreateGenerationRequestAsync(call, sources, cancellationToken).ConfigureAwait(false);
            if (call.Mode != AnswerMode.FineTuned && request.Sources.Count == 0)
            {
                return Record(activity, Refusal(call, NoAnswerReason.NoRelevantSources, sources, retrieval, started));
            }

            stage = "generation";
            var generationStarted = Stopwatch.GetTimestamp();
            GeneratedAnswer generated;
            using (var generation = Telemetry.Source.StartActivity("hybrid_answer.generate"))
            {
                generation?.SetTag("gen_ai.operation.name", "chat");
                generation?.SetTag(Telemetry.ModeTag, call.Mode.ToString());
                try
                {
                    generated = await _generator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
                    generation?.SetTag(Telemetry.ModelTag, generated.ModelId);
                }
                catch (Exception e)
                {
                    Telemetry.Fail(generation, stage, e);
                    throw;
                }
            }

            var result = new Generated(generated.Text, generated.ModelId, generated.Usage, generated.DeclineReason, generated.UsedFallback);
            return Record(activity, Complete(call, sources, request.Sources, result, retrieval, Stopwatch.GetElapsedTime(generationStarted), started));
        }
        catch (Exception e)
        {
            Telemetry.Fail(activity, stage, e);
            if (e is not OperationCanceledException)
            {
                Log.AnswerFailed(_logger, e, call.Mode, stage, e.GetType().Name);
            }

            throw;
        }
    }

    /// <summary>Answers a question as a stream: the sources first, then text as it is generated, then the finished answer.</summary>
    /// <param name="question">The question, at most <see cref="HybridAnsweringOptions.MaxQuestionLength"/> characters.</param>
    /// <param name="options">Per-call overrides; the configured defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels retrieval and generation.</param>
    /// <returns>The updates; the last one carries <see cref="AnswerUpdate.Completed"/>.</returns>
    /// <exception cref="ArgumentException">The question is empty, whitespace or too long, or an option is out of range.</exception>
    /// <exception cref="AnswerGenerationException">The model call failed after its retries (and the fallback, when enabled) or timed out; thrown while enumerating.</exception>
    public IAsyncEnumerable<AnswerUpdate> AnswerStreamingAsync(string question, AnswerOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Validate eagerly, so bad input fails at the call and not at the first MoveNextAsync.
        var call = Resolve(question, options);
        return StreamAsync(call, cancellationToken);
    }

    private async IAsyncEnumerable<AnswerUpdate> StreamAsync(Call call, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = StartAnswerActivity(call);
        var completed = false;
        try
        {
            await foreach (var update in StreamStagesAsync(call, started, cancellationToken).ConfigureAwait(false))
            {
                if (update.Completed is { } answer)
                {
                    Record(activity, answer);
                    completed = true;
                }

                yield return update;
            }
        }
        finally
        {
            // An exception or an abandoned enumeration: the span and the failure counter still say so.
            if (!completed)
            {
                Telemetry.Fail(activity, "stream", cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : new IncompleteStreamException());
            }
        }
    }

    private async IAsyncEnumerable<AnswerUpdate> StreamStagesAsync(Call call, long started, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (sources, retrieval) = await RetrieveAsync(call, cancellationToken).ConfigureAwait(false);
        yield return new AnswerUpdate { Sources = sources };
        if (call.Mode != AnswerMode.FineTuned && sources.Count == 0)
        {
            yield return new AnswerUpdate { Completed = Refusal(call, NoAnswerReason.NoRelevantSources, sources, retrieval, started) };
            yield break;
        }

        var request = await CreateGenerationRequestAsync(call, sources, cancellationToken).ConfigureAwait(false);
        if (call.Mode != AnswerMode.FineTuned && request.Sources.Count == 0)
        {
            yield return new AnswerUpdate { Completed = Refusal(call, NoAnswerReason.NoRelevantSources, sources, retrieval, started) };
            yield break;
        }

        var generationStarted = Stopwatch.GetTimestamp();
        var text = new StringBuilder();
        string? modelId = null;
        TokenUsage? usage = null;
        NoAnswerReason? declined = null;
        var usedFallback = false;
        await foreach (var update in _generator.GenerateStreamingAsync(request, cancellationToken).ConfigureAwait(false))
        {
            modelId = update.ModelId ?? modelId;
            usage = update.Usage ?? usage;
            declined = update.DeclineReason ?? declined;
            usedFallback |= update.UsedFallback;
            if (update.Text.Length > 0)
            {
                text.Append(update.Text);
                yield return new AnswerUpdate { Text = update.Text };
            }
        }

        var result = new Generated(text.ToString(), modelId, usage, declined, usedFallback);
        yield return new AnswerUpdate
        {
            Completed = Complete(call, sources, request.Sources, result, retrieval, Stopwatch.GetElapsedTime(generationStarted), started),
        };
    }

    private Call Resolve(string question, AnswerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(question))
        {
            throw new ArgumentException("The question is empty or whitespace.", nameof(question));
        }

        if (question.Length > _options.MaxQuestionLength)
        {
            throw new ArgumentException($"The question has {question.Length} characters; at most {_options.MaxQuestionLength} are accepted (HybridAnswering:MaxQuestionLength).", nameof(question));
        }

        var mode = options?.Mode ?? _options.Mode;
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(options), mode, "AnswerOptions.Mode is not a defined AnswerMode.");
        }

        var topK = options?.TopK ?? _options.TopK;
        if (topK is < 1 or > RetrievalRequest.MaxTopK)
        {
            throw new ArgumentOutOfRangeException(nameof(options), topK, $"AnswerOptions.TopK must be between 1 and {RetrievalRequest.MaxTopK}.");
        }

        var minScore = options?.MinScore ?? _options.MinScore;
        if (double.IsNaN(minScore) || minScore is < -1 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), minScore, "AnswerOptions.MinScore must be between -1 and 1.");
        }

        var filter = new Dictionary<string, string>(_options.DefaultFilter, StringComparer.Ordinal);
        foreach (var (key, value) in options?.Filter ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new ArgumentException("AnswerOptions.Filter has an empty key.", nameof(options));
            }

            filter[key] = value ?? throw new ArgumentException($"AnswerOptions.Filter['{key}'] is null.", nameof(options));
        }

        return new Call(question.Trim(), mode, topK, minScore, filter, options?.CustomerId, options?.TenantId);
    }

    private async Task<(IReadOnlyList<RetrievedChunk> Sources, TimeSpan Elapsed)> RetrieveAsync(Call call, CancellationToken cancellationToken)
    {
        if (call.Mode == AnswerMode.FineTuned)
        {
            return ([], TimeSpan.Zero);
        }

        var started = Stopwatch.GetTimestamp();
        using var activity = Telemetry.Source.StartActivity("hybrid_answer.retrieve");
        activity?.SetTag(Telemetry.TopKTag, call.TopK);
        var request = new RetrievalRequest(call.Question) { TopK = call.TopK, Filter = call.Filter, MinScore = call.MinScore, TenantId = call.TenantId };
        IReadOnlyList<RetrievedChunk> chunks;
        try
        {
            chunks = await _retriever.RetrieveAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Telemetry.Fail(activity, "retrieval", e);
            throw;
        }

        // The floor is enforced here too, so a retriever that ignores MinScore cannot smuggle in irrelevant sources.
        IReadOnlyList<RetrievedChunk> relevant = [.. chunks.Where(c => c.Score >= call.MinScore).Take(call.TopK)];
        activity?.SetTag(Telemetry.HitsTag, relevant.Count);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Telemetry.Duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(Telemetry.StageTag, "retrieval"), new KeyValuePair<string, object?>(Telemetry.ModeTag, call.Mode.ToString()));
        return (relevant, elapsed);
    }

    private async Task<GenerationRequest> CreateGenerationRequestAsync(Call call, IReadOnlyList<RetrievedChunk> sources, CancellationToken cancellationToken)
    {
        CustomerContext? customer = null;
        if (call.CustomerId is not null && _customers is not null)
        {
            customer = await _customers.GetCustomerContextAsync(call.CustomerId, cancellationToken).ConfigureAwait(false);
        }

        var request = new GenerationRequest
        {
            Question = call.Question,
            Mode = call.Mode,
            Sources = call.Mode == AnswerMode.FineTuned ? [] : sources,
            Customer = customer,
            NoAnswerText = _options.NoAnswerText,
            MaxAnswerTokens = _options.Prompt.MaxAnswerTokens,
        };

        // The sources are packed here, not in the generator, so that [n] means the same source to every generator and to the citation check.
        return request with { Sources = PromptBuilder.Pack(request, _options.Prompt) };
    }

    private Answer Refusal(Call call, NoAnswerReason reason, IReadOnlyList<RetrievedChunk> sources, TimeSpan retrieval, long started) => new()
    {
        Text = _options.NoAnswerText,
        Answered = false,
        NoAnswerReason = reason,
        Sources = sources,
        Mode = call.Mode,
        CostUsd = _options.Pricing.Compute(modelId: null, usage: null, retrieved: call.Mode != AnswerMode.FineTuned),
        Timings = new AnswerTimings(retrieval, TimeSpan.Zero, Stopwatch.GetElapsedTime(started)),
    };

    private Answer Complete(Call call, IReadOnlyList<RetrievedChunk> sources, IReadOnlyList<RetrievedChunk> prompted, Generated generated, TimeSpan retrieval, TimeSpan generation, long started)
    {
        // [n] refers to the n-th source of the prompt (after packing), not of the retrieval.
        var (citations, invalid) = CitationParser.Parse(generated.Text, prompted);
        var declined = generated.DeclineReason ?? (IsNoAnswer(generated.Text, citations.Count) ? NoAnswerReason.ModelDeclined : null);
        return new Answer
        {
            Text = declined is null ? CitationParser.RemoveMarkers(generated.Text, invalid).Trim() : _options.NoAnswerText,
            Answered = declined is null,
            NoAnswerReason = declined,
            Citations = declined is null ? citations : [],
            InvalidCitationMarkers = invalid,
            Sources = sources,
            Mode = call.Mode,
            ModelId = generated.ModelId,
            UsedFallback = generated.UsedFallback,
            Usage = generated.Usage,
            CostUsd = _options.Pricing.Compute(generated.ModelId, generated.Usage, retrieved: call.Mode != AnswerMode.FineTuned),
            Timings = new AnswerTimings(retrieval, generation, Stopwatch.GetElapsedTime(started)),
        };
    }

    private static Activity? StartAnswerActivity(Call call)
    {
        var activity = Telemetry.Source.StartActivity("hybrid_answer.answer");
        activity?.SetTag(Telemetry.ModeTag, call.Mode.ToString());
        activity?.SetTag(Telemetry.TopKTag, call.TopK);
        return activity;
    }

    /// <summary>Reports a finished answer to the span, the metrics and the log.</summary>
    private Answer Record(Activity? activity, Answer answer)
    {
        var mode = new KeyValuePair<string, object?>(Telemetry.ModeTag, answer.Mode.ToString());
        var model = new KeyValuePair<string, object?>(Telemetry.ModelTag, answer.ModelId);
        activity?.SetTag(Telemetry.ModelTag, answer.ModelId);
        activity?.SetTag(Telemetry.HitsTag, answer.Sources.Count);
        activity?.SetTag(Telemetry.AnsweredTag, answer.Answered);
        activity?.SetTag(Telemetry.ReasonTag, answer.NoAnswerReason?.ToString());
        activity?.SetTag(Telemetry.InputTokensTag, answer.Usage?.InputTokens);
        activity?.SetTag(Telemetry.OutputTokensTag, answer.Usage?.OutputTokens);
        activity?.SetTag(Telemetry.CostTag, answer.CostUsd is { } c ? (double)c : null);

        Telemetry.Answers.Add(1, mode, new KeyValuePair<string, object?>(Telemetry.AnsweredTag, answer.Answered));
        if (answer.NoAnswerReason is { } reason)
        {
            Telemetry.Refusals.Add(1, mode, new KeyValuePair<string, object?>(Telemetry.ReasonTag, reason.ToString()));
        }

        if (answer.Usage?.InputTokens is { } input)
        {
            Telemetry.Tokens.Add(input, model, new KeyValuePair<string, object?>(Telemetry.TokenTypeTag, "input"));
        }

        if (answer.Usage?.OutputTokens is { } output)
        {
            Telemetry.Tokens.Add(output, model, new KeyValuePair<string, object?>(Telemetry.TokenTypeTag, "output"));
        }

        if (answer.CostUsd is { } cost)
        {
            Telemetry.Cost.Add((double)cost, mode, model);
        }

        Telemetry.Duration.Record(answer.Timings.Generation.TotalSeconds, new KeyValuePair<string, object?>(Telemetry.StageTag, "generation"), mode);
        Telemetry.Duration.Record(answer.Timings.Total.TotalSeconds, new KeyValuePair<string, object?>(Telemetry.StageTag, "total"), mode);
        if (answer.InvalidCitationMarkers.Count > 0)
        {
            Log.InvalidCitations(_logger, answer.InvalidCitationMarkers.Count);
        }

        Log.AnswerCompleted(_logger, answer.Mode, answer.ModelId, answer.Answered, answer.NoAnswerReason, answer.Sources.Count, answer.Citations.Count, answer.Timings.Total.TotalMilliseconds);
        return answer;
    }

    private bool IsNoAnswer(string text, int citations)
    {
        var trimmed = Normalize(text);
        var expected = Normalize(_options.NoAnswerText);

        // The exact refusal, or a refusal that goes on ("... Please contact support.") without citing anything.
        return trimmed.Length == 0 || trimmed.Equals(expected, StringComparison.OrdinalIgnoreCase) ||
               (citations == 0 && trimmed.StartsWith(expected, StringComparison.OrdinalIgnoreCase));

        static string Normalize(string value) => value.Trim().Replace('\u2019', '\'').TrimEnd('.', '!', ' ');
    }

    /// <summary>Stands for "the consumer stopped enumerating, or an exception ended the stream" in telemetry, where the exception itself is not visible.</summary>
    private sealed class IncompleteStreamException : Exception
    {
        public IncompleteStreamException()
            : base("The answer stream ended before its final update.")
        {
        }
    }

    private sealed record Generated(string Text, string? ModelId, TokenUsage? Usage, NoAnswerReason? DeclineReason, bool UsedFallback);

    private sealed record Call(string Question, AnswerMode Mode, int TopK, double MinScore, IReadOnlyDictionary<string, string> Filter, string? CustomerId, string? TenantId);
}
