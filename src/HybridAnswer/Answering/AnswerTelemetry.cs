using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridAnswer;

/// <summary>
/// The telemetry of one answer: its span (<c>hybrid_answer.answer</c>) and the child spans of retrieval and generation, the
/// metrics, and the one log line. Carries counts, ids, durations and reasons only, never question text, content or customer data.
/// </summary>
internal sealed class AnswerTelemetry : IDisposable
{
    private readonly Activity? _activity;
    private readonly ILogger _logger;
    private readonly AnswerCall _call;
    private bool _completed;

    private AnswerTelemetry(AnswerCall call, ILogger logger)
    {
        _call = call;
        _logger = logger;
        _activity = Telemetry.Source.StartActivity("hybrid_answer.answer");
        _activity?.SetTag(Telemetry.ModeTag, call.Mode.ToString());
        _activity?.SetTag(Telemetry.TopKTag, call.TopK);
    }

    /// <summary>Gets or sets the stage the answer is in, reported when it fails: retrieval, prompt or generation.</summary>
    public string Stage { get; set; } = "retrieval";

    /// <summary>Starts the answer's span.</summary>
    public static AnswerTelemetry Start(AnswerCall call, ILogger logger) => new(call, logger);

    /// <summary>Runs retrieval in its span (a child of the answer's): hits on the span, duration on the stage histogram.</summary>
    public async Task<RetrievedSources> TraceRetrievalAsync(Func<Task<IReadOnlyList<RetrievedChunk>>> retrieve)
    {
        var started = Stopwatch.GetTimestamp();
        using var span = Telemetry.Source.StartActivity("hybrid_answer.retrieve");
        span?.SetTag(Telemetry.TopKTag, _call.TopK);
        IReadOnlyList<RetrievedChunk> sources;
        try
        {
            sources = await retrieve().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Telemetry.Fail(span, "retrieval", e);
            throw;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        span?.SetTag(Telemetry.HitsTag, sources.Count);
        Telemetry.Duration.Record(elapsed.TotalSeconds, StageOf("retrieval"), ModeOf(_call.Mode));
        return new RetrievedSources(sources, elapsed);
    }

    /// <summary>
    /// Runs a (non-streaming) generation in its span, a child of the answer's and the parent of the model's <c>chat</c> span.
    /// Not tagged <c>gen_ai.operation.name</c>: that would make it a second chat span to GenAI dashboards.
    /// </summary>
    public async Task<GeneratedAnswer> TraceGenerationAsync(Func<Task<GeneratedAnswer>> generate)
    {
        using var span = Telemetry.Source.StartActivity("hybrid_answer.generate");
        span?.SetTag(Telemetry.ModeTag, _call.Mode.ToString());
        try
        {
            var generated = await generate().ConfigureAwait(false);
            span?.SetTag(Telemetry.ModelTag, generated.ModelId);
            return generated;
        }
        catch (Exception e)
        {
            Telemetry.Fail(span, Stage, e);
            throw;
        }
    }

    /// <summary>
    /// Starts the span of a streaming generation, a child of the answer's. It is parented explicitly, and made current only around
    /// each step of the model's stream (<see cref="TraceStepAsync{T}"/>): an async iterator's changes to <see cref="Activity.Current"/>
    /// do not survive its <c>yield return</c> (each MoveNextAsync runs in the consumer's context), so the model's <c>chat</c> span,
    /// started when the stream is first moved, would otherwise hang off the consumer's span (the HTTP request) instead.
    /// </summary>
    public Activity? StartStreamingGeneration()
    {
        var previous = Activity.Current;
        var span = _activity is null
            ? Telemetry.Source.StartActivity("hybrid_answer.generate")
            : Telemetry.Source.StartActivity("hybrid_answer.generate", ActivityKind.Internal, _activity.Context);
        span?.SetTag(Telemetry.ModeTag, _call.Mode.ToString());
        Activity.Current = previous;
        return span;
    }

    /// <summary>Moves the model's stream one step with the generation span current; a failure is reported on the span.</summary>
    public async ValueTask<bool> TraceStepAsync<T>(Activity? span, IAsyncEnumerator<T> updates)
    {
        var previous = Activity.Current;
        Activity.Current = span ?? previous;
        try
        {
            return await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Telemetry.Fail(span, Stage, e);
            throw;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Reports an exception that ended the answer: on its span, the failure counter and (unless cancelled) the log.</summary>
    public void Failed(Exception exception)
    {
        Telemetry.Fail(_activity, Stage, exception);
        if (exception is not OperationCanceledException)
        {
            Log.AnswerFailed(_logger, exception, _call.Mode, Stage, exception.GetType().Name);
        }
    }

    /// <summary>Ends a stream: when it ended before its final update (an exception, or the consumer stopped), the span and the failure counter say so.</summary>
    public void StreamEnded(CancellationToken cancellationToken)
    {
        if (!_completed)
        {
            Telemetry.Fail(_activity, "stream", cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : new IncompleteStreamException());
        }
    }

    /// <summary>Reports a finished answer to the span, the metrics and the log.</summary>
    public Answer Completed(Answer answer)
    {
        _completed = true;
        var mode = ModeOf(answer.Mode);
        var model = new KeyValuePair<string, object?>(Telemetry.ModelTag, answer.ModelId);
        _activity?.SetTag(Telemetry.ModelTag, answer.ModelId);
        _activity?.SetTag(Telemetry.HitsTag, answer.Sources.Count);
        _activity?.SetTag(Telemetry.AnsweredTag, answer.Answered);
        _activity?.SetTag(Telemetry.ReasonTag, answer.NoAnswerReason?.ToString());
        _activity?.SetTag(Telemetry.InputTokensTag, answer.Usage?.InputTokens);
        _activity?.SetTag(Telemetry.OutputTokensTag, answer.Usage?.OutputTokens);
        _activity?.SetTag(Telemetry.CostTag, answer.CostUsd is { } c ? (double)c : null);

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

        Telemetry.Duration.Record(answer.Timings.Generation.TotalSeconds, StageOf("generation"), mode);
        Telemetry.Duration.Record(answer.Timings.Total.TotalSeconds, StageOf("total"), mode);
        if (answer.InvalidCitationMarkers.Count > 0)
        {
            Log.InvalidCitations(_logger, answer.InvalidCitationMarkers.Count);
        }

        Log.AnswerCompleted(_logger, answer.Mode, answer.ModelId, answer.Answered, answer.NoAnswerReason, answer.Sources.Count, answer.Citations.Count, answer.Timings.Total.TotalMilliseconds);
        return answer;
    }

    /// <summary>Ends the answer's span.</summary>
    public void Dispose() => _activity?.Dispose();

    private static KeyValuePair<string, object?> ModeOf(AnswerMode mode) => new(Telemetry.ModeTag, mode.ToString());

    private static KeyValuePair<string, object?> StageOf(string stage) => new(Telemetry.StageTag, stage);

    /// <summary>Stands for "the consumer stopped enumerating, or an exception ended the stream" in telemetry, where the exception itself is not visible.</summary>
    private sealed class IncompleteStreamException : Exception
    {
        public IncompleteStreamException()
            : base("The answer stream ended before its final update.")
        {
        }
    }
}
