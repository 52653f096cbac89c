using System.Diagnostics;
using System.Runtime.CompilerServices;
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
    private readonly RetrieverPipeline _retriever;
    private readonly AnswerPreparation _preparation;
    private readonly IGenerator _generator;
    private readonly ILogger _logger;
    private readonly AnswerCache? _cache;

    // The options one call uses, read once at its start: a configuration reload swaps the whole snapshot, never half of it.
    private volatile Settings _settings;

    /// <summary>Initializes a new answerer.</summary>
    /// <param name="retriever">
    /// Finds the sources. Chunks scoring below <see cref="AnswerOptions.MinScore"/> are dropped directly around it, so a
    /// retriever that ignores the floor cannot pass irrelevant sources. (Through <c>AddHybridAnswering()</c> the floor sits
    /// around the knowledge base instead, beneath the decorators added with <c>UseRetriever</c>, which may rescore.)
    /// </param>
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

        // A composed pipeline has its floor inside already; wrapping it again would cut the scores of its rerankers.
        _retriever = retriever as RetrieverPipeline ?? RetrieverPipeline.Create(retriever, []);
        // The extractive generator sends no prompt: its sources are not packed into a chat model's token budget, and the prompt
        // tokenizer is never loaded for it. (A host's decorator around it hides it; its sources are then packed as before.)
        var sendsPrompt = generator is not ExtractiveGenerator;
        _preparation = new AnswerPreparation(_retriever, customers, toBudget: sendsPrompt);
        _generator = generator;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _settings = Validate(options.Value);
        if (sendsPrompt)
        {
            PromptTokenizer.WarmUp();
        }
    }

    /// <summary>
    /// The container's answerer: the options in effect follow <paramref name="options"/>, so a configuration reload changes the
    /// next call's defaults (docs/configuration.md, "Reloading options", says which settings take effect and which need a restart).
    /// </summary>
    internal HybridAnswerer(IRetriever retriever, IGenerator generator, IOptionsMonitor<HybridAnsweringOptions> options, ICustomerContextProvider? customers, ILogger<HybridAnswerer>? logger, AnswerCache? cache = null)
        : this(retriever, generator, Options.Create(options.CurrentValue), customers, logger)
    {
        _cache = cache;
        // The monitor validates before it notifies (the validators registered with AddHybridAnswering): a change arrives valid.
        // The subscription is not disposed: the monitor and this answerer are singletons of one container and end together.
        _ = options.OnChange((changed, name) =>
        {
            if (name is null || name == Options.DefaultName)
            {
                _settings = Validate(changed);
            }
        });
    }

    /// <summary>
    /// Gets the retriever this answerer retrieves with: the knowledge base, the relevance floor directly around it, and the
    /// decorators added with <c>UseRetriever</c> (MMR, rerankers), the last added called first. Use it to measure or inspect the
    /// ranking the answers are built from (the container's <see cref="IRetriever"/> is the bare knowledge base, beneath the
    /// decorators). It returns what the pipeline returns for the request as given: the floor only when the request carries
    /// <see cref="RetrievalRequest.MinScore"/>, no packing to the prompt's budget (<see cref="RetrieveAsync"/> does that).
    /// </summary>
    public IRetriever Retriever => _retriever;

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
        var settings = _settings;
        var call = AnswerCall.Resolve(question, options, settings.Options);
        if (_cache is null || await _cache.KeyAsync(call, settings.Options, cancellationToken).ConfigureAwait(false) is not { } key)
        {
            return await AnswerCoreAsync(settings, call, started, cancellationToken).ConfigureAwait(false);
        }

        var (answer, hit) = await _cache.GetOrAnswerAsync(key, token => AnswerCoreAsync(settings, call, started, token), cancellationToken).ConfigureAwait(false);
        if (!hit)
        {
            return answer;
        }

        using var telemetry = AnswerTelemetry.Start(call, _logger);
        return telemetry.Completed(AnswerCache.Served(answer, Stopwatch.GetElapsedTime(started)));
    }

    private async Task<Answer> AnswerCoreAsync(Settings settings, AnswerCall call, long started, CancellationToken cancellationToken)
    {
        using var telemetry = AnswerTelemetry.Start(call, _logger);
        try
        {
            var retrieval = await _preparation.RetrieveAsync(call, telemetry, cancellationToken).ConfigureAwait(false);
            if (await _preparation.PrepareAsync(settings.Options, call, retrieval, telemetry, cancellationToken).ConfigureAwait(false) is not { } request)
            {
                return telemetry.Completed(Refusal(settings, call, retrieval, started));
            }

            var generationStarted = Stopwatch.GetTimestamp();
            var generated = await telemetry.TraceGenerationAsync(() => _generator.GenerateAsync(request, cancellationToken)).ConfigureAwait(false);
            return telemetry.Completed(Compose(settings, call, retrieval, request, GeneratedText.From(generated), generationStarted, started));
        }
        catch (Exception e)
        {
            telemetry.Failed(e);
            throw;
        }
    }

    /// <summary>
    /// Answers a question as a stream: the sources first (the prompt's sources, numbered as the <c>[n]</c> markers of the text:
    /// <c>[n]</c> is <c>Sources[n - 1]</c>), then text as it is generated, then the finished answer.
    /// </summary>
    /// <param name="question">The question, at most <see cref="HybridAnsweringOptions.MaxQuestionLength"/> characters.</param>
    /// <param name="options">Per-call overrides; the configured defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels retrieval and generation.</param>
    /// <returns>The updates; the last one carries <see cref="AnswerUpdate.Completed"/>.</returns>
    /// <exception cref="ArgumentException">The question is empty, whitespace or too long, or an option is out of range.</exception>
    /// <exception cref="AnswerGenerationException">The model call failed after its retries (and the fallback, when enabled) or timed out; thrown while enumerating.</exception>
    public IAsyncEnumerable<AnswerUpdate> AnswerStreamingAsync(string question, AnswerOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Validate eagerly, so bad input fails at the call and not at the first MoveNextAsync.
        var settings = _settings;
        var call = AnswerCall.Resolve(question, options, settings.Options);
        return StreamAsync(settings, call, cancellationToken);
    }

    /// <summary>
    /// Retrieves the sources a prompt for this question would carry, without generating: the same retrieval pipeline, filter,
    /// tenant and relevance floor as <see cref="AnswerAsync"/>, at most top-K, duplicates dropped and packed to the prompt's token
    /// budget — numbered by position, so <c>[n]</c> is the n-th. For hosts that generate elsewhere (an agent, a tool call).
    /// </summary>
    /// <param name="question">The question, at most <see cref="HybridAnsweringOptions.MaxQuestionLength"/> characters.</param>
    /// <param name="options">Per-call overrides (filter, tenant, top-K, floor); the configured defaults when <see langword="null"/>. The mode is ignored: this always retrieves.</param>
    /// <param name="cancellationToken">Cancels retrieval.</param>
    /// <returns>The sources, best first; empty when nothing cleared the floor.</returns>
    /// <exception cref="ArgumentException">The question is empty, whitespace or too long, or an option is out of range.</exception>
    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string question, AnswerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var settings = _settings;
        var call = AnswerCall.Resolve(question, options, settings.Options) with { Mode = AnswerMode.Rag };
        return await _preparation.SourcesAsync(settings.Options, call, cancellationToken).ConfigureAwait(false);
    }

    private static Settings Validate(HybridAnsweringOptions options)
    {
        var validation = new HybridAnsweringOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(HybridAnsweringOptions), validation.Failures);
        }

        return new Settings(options, new AnswerComposer(options));
    }

    private async IAsyncEnumerable<AnswerUpdate> StreamAsync(Settings settings, AnswerCall call, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var key = _cache is null ? null : await _cache.KeyAsync(call, settings.Options, cancellationToken).ConfigureAwait(false);
        if (key is not null && await _cache!.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            using var hit = AnswerTelemetry.Start(call, _logger);
            foreach (var update in AnswerCache.Replay(hit.Completed(AnswerCache.Served(cached, Stopwatch.GetElapsedTime(started)))))
            {
                yield return update;
            }

            yield break;
        }

        using var telemetry = AnswerTelemetry.Start(call, _logger);
        try
        {
            var retrieval = await _preparation.RetrieveAsync(call, telemetry, cancellationToken).ConfigureAwait(false);
            var request = await _preparation.PrepareAsync(settings.Options, call, retrieval, telemetry, cancellationToken).ConfigureAwait(false);

            // The prompt's sources, not the raw retrieval: duplicates are dropped when packing, and [n] counts what is left.
            yield return new AnswerUpdate { Sources = request?.Sources ?? retrieval.Sources };
            if (request is null)
            {
                yield return new AnswerUpdate { Completed = await AnswerCache.PassAsync(_cache, key, telemetry.Completed(Refusal(settings, call, retrieval, started)), cancellationToken).ConfigureAwait(false) };
                yield break;
            }

            var generationStarted = Stopwatch.GetTimestamp();
            var generated = new GeneratedText.Builder();
            GeneratedText text;
            using (var span = telemetry.StartStreamingGeneration())
            {
                // Stepped by hand, not with await foreach: each step runs with the generation span current (see TraceStepAsync).
                var updates = _generator.GenerateStreamingAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
                try
                {
                    while (await telemetry.TraceStepAsync(span, updates).ConfigureAwait(false))
                    {
                        generated.Add(updates.Current);
                        if (updates.Current.Text.Length > 0)
                        {
                            yield return new AnswerUpdate { Text = updates.Current.Text };
                        }
                    }
                }
                finally
                {
                    await updates.DisposeAsync().ConfigureAwait(false);
                }

                text = generated.Build();
                span?.SetTag(Telemetry.ModelTag, text.ModelId);
            }

            var completed = telemetry.Completed(Compose(settings, call, retrieval, request, text, generationStarted, started));
            yield return new AnswerUpdate { Completed = await AnswerCache.PassAsync(_cache, key, completed, cancellationToken).ConfigureAwait(false) };
        }
        finally
        {
            telemetry.StreamEnded(cancellationToken);
        }
    }

    private static Answer Refusal(Settings settings, AnswerCall call, RetrievedSources retrieval, long started) =>
        settings.Composer.Refusal(call, retrieval.FilterMatchedNothing ? NoAnswerReason.FilterMatchedNothing : NoAnswerReason.NoRelevantSources, retrieval.Sources, Timings(retrieval, TimeSpan.Zero, started));

    private static Answer Compose(Settings settings, AnswerCall call, RetrievedSources retrieval, GenerationRequest request, GeneratedText generated, long generationStarted, long started) =>
        settings.Composer.Compose(call, request.Sources, generated, Timings(retrieval, Stopwatch.GetElapsedTime(generationStarted), started));

    private static AnswerTimings Timings(RetrievedSources retrieval, TimeSpan generation, long started) =>
        new() { Retrieval = retrieval.Elapsed, Generation = generation, Total = Stopwatch.GetElapsedTime(started) };

    private sealed record Settings(HybridAnsweringOptions Options, AnswerComposer Composer);
}
