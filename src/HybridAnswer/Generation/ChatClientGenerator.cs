using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace HybridAnswer;

/// <summary>
/// Generates with <see cref="IChatClient"/> models: the base model in <see cref="AnswerMode.Rag"/> mode, the
/// fine-tuned model in <see cref="AnswerMode.FineTuned"/> and <see cref="AnswerMode.Hybrid"/> modes. The two may be one
/// client with two model ids (<see cref="ChatOptions.ModelId"/>) or two clients. Each model is called through a
/// <see cref="ChatClientBuilder"/> pipeline: the model id, OpenTelemetry (unless the client already has an
/// <see cref="OpenTelemetryChatClient"/>, so that each model call has one <c>chat</c> span), logging (with a logger factory), a timeout and
/// retries of transient failures, and — when <see cref="GenerationOptions.FallbackToBaseModel"/> is set — an
/// <c>OrderedFailoverChatClient</c> from the fine-tuned to the base model. Failures surface as
/// <see cref="AnswerGenerationException"/>.
/// </summary>
public sealed class ChatClientGenerator : IGenerator
{
    private const string RouteKey = "HybridAnswer.Route";

    private readonly string _baseModel;
    private readonly string? _fineTunedModel;
    private readonly PromptOptions _prompt;
    private readonly GenerationOptions _generation;
    private readonly IChatClient _ragClient;
    private readonly IChatClient? _fineTunedClient;

    /// <summary>Initializes a new generator.</summary>
    /// <param name="baseClient">The client of the base model.</param>
    /// <param name="baseModel">The base model id.</param>
    /// <param name="fineTunedModel">The fine-tuned model id; required for the FineTuned and Hybrid modes.</param>
    /// <param name="fineTunedClient">The client of the fine-tuned model; <paramref name="baseClient"/> when <see langword="null"/>.</param>
    /// <param name="generation">Timeout, retries and fallback; the defaults when <see langword="null"/>.</param>
    /// <param name="prompt">Prompt templates; the defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Logs the model calls (metadata only) when given.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A generation or prompt option is out of range (the message names its configuration key).</exception>
    public ChatClientGenerator(
        IChatClient baseClient,
        string baseModel,
        string? fineTunedModel = null,
        IChatClient? fineTunedClient = null,
        GenerationOptions? generation = null,
        PromptOptions? prompt = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(baseClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseModel);
        _baseModel = baseModel;
        _fineTunedModel = string.IsNullOrWhiteSpace(fineTunedModel) ? null : fineTunedModel;
        _prompt = prompt ?? new PromptOptions();
        _generation = generation ?? new GenerationOptions();
        OptionsValidation.ThrowIfInvalid(new PromptOptionsValidator(), _prompt);
        OptionsValidation.ThrowIfInvalid(new GenerationOptionsValidator(), _generation);

        _ragClient = Route(baseClient, baseModel, isFallback: false, loggerFactory);
        if (_fineTunedModel is not null)
        {
            var fineTuned = Route(fineTunedClient ?? baseClient, _fineTunedModel, isFallback: false, loggerFactory);
            // MEAI001: OrderedFailoverChatClient is marked experimental in Microsoft.Extensions.AI 10.11. We use it rather than
            // a failover loop of our own (the issue asks to compose what M.E.AI ships); the package version is pinned
            // centrally, so an API change shows up as a build break on upgrade, not at run time.
#pragma warning disable MEAI001
            _fineTunedClient = _generation.FallbackToBaseModel
                ? new OrderedFailoverChatClient([fineTuned, Route(baseClient, baseModel, isFallback: true, loggerFactory)], leaveOpen: true)
                : fineTuned;
#pragma warning restore MEAI001
        }
    }

    /// <inheritdoc />
    /// <exception cref="AnswerGenerationException">The model call failed (after retries and fallback) or timed out.</exception>
    public async Task<GeneratedAnswer> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (client, model) = Select(request.Mode);
        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(Messages(request), CreateOptions(request), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Failure(request.Mode, model, e);
        }

        var (routedModel, usedFallback) = RouteOf(response.AdditionalProperties, model);
        return new GeneratedAnswer
        {
            Text = response.Text,
            ModelId = routedModel,
            Usage = response.Usage is { } usage ? new TokenUsage { InputTokens = usage.InputTokenCount, CachedInputTokens = usage.CachedInputTokenCount, OutputTokens = usage.OutputTokenCount } : null,
            UsedFallback = usedFallback,
        };
    }

    /// <inheritdoc />
    /// <exception cref="AnswerGenerationException">The model call failed (after retries and fallback) or timed out.</exception>
    public IAsyncEnumerable<GenerationUpdate> GenerateStreamingAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (client, model) = Select(request.Mode);
        return StreamAsync(request, client, model, cancellationToken);
    }

    private async IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, IChatClient client, string model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<ChatResponseUpdate> stream;
        try
        {
            stream = client.GetStreamingResponseAsync(Messages(request), CreateOptions(request), cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Failure(request.Mode, model, e);
        }

        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception e) when (IsFailure(e, cancellationToken))
                {
                    throw Failure(request.Mode, model, e);
                }

                var update = stream.Current;
                var (routedModel, usedFallback) = RouteOf(update.AdditionalProperties, model);
                var usage = update.Contents.OfType<UsageContent>().Select(u => new TokenUsage { InputTokens = u.Details.InputTokenCount, CachedInputTokens = u.Details.CachedInputTokenCount, OutputTokens = u.Details.OutputTokenCount }).LastOrDefault();
                yield return new GenerationUpdate { Text = update.Text, ModelId = routedModel, Usage = usage, UsedFallback = usedFallback };
            }
        }
    }

    private (IChatClient Client, string Model) Select(AnswerMode mode) => mode switch
    {
        AnswerMode.Rag => (_ragClient, _baseModel),
        AnswerMode.FineTuned or AnswerMode.Hybrid when _fineTunedClient is not null => (_fineTunedClient, _fineTunedModel!),
        AnswerMode.FineTuned or AnswerMode.Hybrid => throw new InvalidOperationException($"Mode {mode} needs a fine-tuned model id: set HybridAnswering:FineTunedModel or call UseFineTunedModel."),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown answer mode."),
    };

    /// <summary>
    /// The messages to send: the prompt the answerer made (one owner: the sources it packed are the ones [n] maps to), or, when
    /// this generator is called directly, the prompt made the same way from the request with this generator's prompt options.
    /// </summary>
    private IReadOnlyList<ChatMessage> Messages(GenerationRequest request) =>
        (request.Prompt is { } prompt && prompt.IsFor(request) ? prompt : PromptBuilder.Create(request, _prompt)).Messages;

    private ChatOptions CreateOptions(GenerationRequest request) => new()
    {
        MaxOutputTokens = request.MaxAnswerTokens ?? _prompt.MaxAnswerTokens,
        Temperature = _generation.Temperature,
    };

    /// <summary>One model behind its middleware: the model id, telemetry, logging, timeout and retries, and a stamp saying which route answered.</summary>
    private IChatClient Route(IChatClient client, string model, bool isFallback, ILoggerFactory? loggerFactory)
    {
        var builder = client.AsBuilder()
            .Use(
                async (messages, options, next, cancellationToken) =>
                {
                    var response = await next.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
                    (response.AdditionalProperties ??= [])[RouteKey] = new RouteStamp(model, isFallback);
                    return response;
                },
                (messages, options, next, cancellationToken) => StampAsync(next.GetStreamingResponseAsync(messages, options, cancellationToken), new RouteStamp(model, isFallback), cancellationToken))
            .ConfigureOptions(o => o.ModelId = model);

        // A host's client that already traces (UseOpenTelemetry) keeps the one chat span; a second would double every
        // gen_ai.* duration and token count on the dashboards.
        if (client.GetService<OpenTelemetryChatClient>() is null)
        {
            builder.UseOpenTelemetry(loggerFactory, HybridAnswerTelemetry.SourceName);
        }

        if (loggerFactory is not null)
        {
            builder.UseLogging(loggerFactory);
        }

        var generation = _generation;
        return builder.Use(inner => new ResilientChatClient(inner, generation)).Build();
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> StampAsync(IAsyncEnumerable<ChatResponseUpdate> updates, RouteStamp stamp, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            (update.AdditionalProperties ??= [])[RouteKey] = stamp;
            yield return update;
        }
    }

    private static (string Model, bool UsedFallback) RouteOf(AdditionalPropertiesDictionary? properties, string requested) =>
        properties is not null && properties.TryGetValue(RouteKey, out var value) && value is RouteStamp stamp
            ? (stamp.Model, stamp.IsFallback)
            : (requested, false);

    private static bool IsFailure(Exception e, CancellationToken cancellationToken) =>
        e is not AnswerGenerationException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private AnswerGenerationException Failure(AnswerMode mode, string model, Exception e)
    {
        var fallback = mode != AnswerMode.Rag && _generation.FallbackToBaseModel ? _baseModel : null;
        var timeout = TransientFailures.IsTimeout(e) || e is OperationCanceledException;
        var what = timeout ? $"timed out after {_generation.Timeout}" : "failed";
        var also = fallback is null ? string.Empty : $", and so did the fallback model '{fallback}'";
        var retryAfter = TransientFailures.RetryAfter(e) is { } wait
            ? wait > _generation.MaxRetryDelay
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; the server asked to be retried after {wait.TotalSeconds:0} s (Retry-After), longer than Generation:MaxRetryDelay {_generation.MaxRetryDelay.TotalSeconds:0} s, so it was not retried")
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; Retry-After {wait.TotalSeconds:0.#} s")
            : string.Empty;
        return new AnswerGenerationException(mode, model, $"The {mode} answer could not be generated: model '{model}' {what}{also}{retryAfter} ({e.GetType().Name}: {e.Message})", e)
        {
            FallbackModelId = fallback,
            IsTimeout = timeout,
            StatusCode = TransientFailures.StatusCode(e),
        };
    }

    private sealed record RouteStamp(string Model, bool IsFallback);
}
