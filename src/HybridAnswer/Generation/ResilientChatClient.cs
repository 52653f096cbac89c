using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace HybridAnswer;

/// <summary>
/// Chat-client middleware that bounds each model call with a timeout and retries transient failures (429, 5xx, lost
/// connections, timeouts) with exponential backoff and jitter, honouring <c>Retry-After</c> up to a cap — a Polly v8
/// pipeline. Microsoft.Extensions.AI ships no retry middleware of its own (Microsoft.Extensions.Http.Resilience works
/// on <c>HttpClient</c>, which an arbitrary <see cref="IChatClient"/> may not expose), hence this decorator.
/// A stream is retried only until its first update: after text reached the caller, a retry would repeat it.
/// </summary>
internal sealed class ResilientChatClient : DelegatingChatClient
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _streamingPipeline;
    private readonly TimeSpan _timeout;

    public ResilientChatClient(IChatClient innerClient, GenerationOptions options, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeout = options.Timeout;
        _pipeline = Build(options, withTimeout: true, timeProvider);

        // A stream outlives the callback that opens it, so its timeout is a token of our own, not Polly's (whose pooled token ends with the callback).
        _streamingPipeline = Build(options, withTimeout: false, timeProvider);
    }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // The messages may be a lazy sequence; materialize once so every attempt sends the same prompt.
        var prompt = messages as IReadOnlyCollection<ChatMessage> ?? [.. messages];
        return _pipeline.ExecuteAsync(
            static async (state, token) => await state.Inner.GetResponseAsync(state.Prompt, state.Options, token).ConfigureAwait(false),
            (Inner: InnerClient, Prompt: prompt, Options: options),
            cancellationToken).AsTask();
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prompt = messages as IReadOnlyCollection<ChatMessage> ?? [.. messages];
        var attempt = await _streamingPipeline.ExecuteAsync(
            static async (state, token) => await state.Self.OpenStreamAsync(state.Prompt, state.Options, token).ConfigureAwait(false),
            (Self: this, Prompt: prompt, Options: options),
            cancellationToken).ConfigureAwait(false);

        using var timeout = attempt.Timeout;
        await using var stream = attempt.Stream;
        if (!attempt.HasFirst)
        {
            yield break;
        }

        yield return stream.Current;
        while (true)
        {
            bool more;
            try
            {
                more = await stream.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutRejectedException($"The streamed model response did not complete within {_timeout}.", _timeout, e);
            }

            if (!more)
            {
                yield break;
            }

            yield return stream.Current;
        }
    }

    private static ResiliencePipeline Build(GenerationOptions options, bool withTimeout, TimeProvider? timeProvider)
    {
        var builder = new ResiliencePipelineBuilder();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                // A Retry-After longer than MaxRetryDelay is not retried early: the server said when, and asking sooner only
                // spends an attempt on another refusal; the caller gets the failure (and the wait asked for) at once.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && TransientFailures.IsTransient(e) &&
                    (options.RetrySdkFailures || !TransientFailures.IsRetriedBySdk(e)) &&
                    !(TransientFailures.RetryAfter(e) > options.MaxRetryDelay)),
                DelayGenerator = args => ValueTask.FromResult(TransientFailures.RetryAfter(args.Outcome.Exception)),
            });
        }

        if (withTimeout)
        {
            builder.AddTimeout(options.Timeout);
        }

        return builder.Build();
    }

    private async Task<StreamAttempt> OpenStreamAsync(IReadOnlyCollection<ChatMessage> prompt, ChatOptions? options, CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var stream = InnerClient.GetStreamingResponseAsync(prompt, options, timeout.Token).GetAsyncEnumerator(timeout.Token);
        try
        {
            var hasFirst = await stream.MoveNextAsync().ConfigureAwait(false);
            return new StreamAttempt(stream, timeout, hasFirst);
        }
        catch (Exception e)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            timeout.Dispose();
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutRejectedException($"The model did not start streaming within {_timeout}.", _timeout, e);
            }

            throw;
        }
    }

    private sealed record StreamAttempt(IAsyncEnumerator<ChatResponseUpdate> Stream, CancellationTokenSource Timeout, bool HasFirst);
}
