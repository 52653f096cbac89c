using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HybridAnswer;

/// <summary>
/// The one ActivitySource and the one Meter of the library, and the instruments on it. Span and attribute names follow
/// the OpenTelemetry GenAI semantic conventions where one applies (<c>gen_ai.*</c>), and use a <c>hybrid_answer.*</c>
/// prefix where none does. No attribute carries question text, document content or customer data.
/// </summary>
internal static class Telemetry
{
    public static readonly ActivitySource Source = new(HybridAnswerTelemetry.SourceName, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(HybridAnswerTelemetry.SourceName, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Seconds per stage (<c>hybrid_answer.stage</c> = retrieval, generation or total).</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "hybrid_answer.duration", "s", "Time spent per answer and per stage.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    public static readonly Counter<long> Answers = Meter.CreateCounter<long>("hybrid_answer.answers", "{answer}", "Answers produced, by mode and outcome.");

    public static readonly Counter<long> Refusals = Meter.CreateCounter<long>("hybrid_answer.refusals", "{answer}", "Refusals, by reason.");

    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>("hybrid_answer.tokens", "{token}", "Model tokens consumed, by model and gen_ai.token.type (input or output).");

    public static readonly Counter<double> Cost = Meter.CreateCounter<double>("hybrid_answer.cost", "USD", "Cost of the answers whose price is known.");

    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("hybrid_answer.failures", "{answer}", "Answers that failed with an exception, by stage and error type.");

    public static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("hybrid_answer.cache.hits", "{lookup}", "Cache lookups that found an entry, by hybrid_answer.cache (answer or embedding).");

    public static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("hybrid_answer.cache.misses", "{lookup}", "Cache lookups that found nothing, by hybrid_answer.cache (answer or embedding).");

    public const string CacheTag = "hybrid_answer.cache";
    public const string ModeTag = "hybrid_answer.mode";
    public const string StageTag = "hybrid_answer.stage";
    public const string TopKTag = "hybrid_answer.top_k";
    public const string HitsTag = "hybrid_answer.hits";
    public const string AnsweredTag = "hybrid_answer.answered";
    public const string ReasonTag = "hybrid_answer.refusal_reason";
    public const string CostTag = "hybrid_answer.cost_usd";
    public const string ModelTag = "gen_ai.request.model";
    // Not gen_ai.usage.*: the chat span of the model call carries those, and dashboards that sum them would count twice.
    public const string InputTokensTag = "hybrid_answer.usage.input_tokens";
    public const string OutputTokensTag = "hybrid_answer.usage.output_tokens";
    public const string TokenTypeTag = "gen_ai.token.type";
    public const string ErrorTypeTag = "error.type";

    /// <summary>Marks a span and the failure counter for an exception that ends a stage.</summary>
    public static void Fail(Activity? activity, string stage, Exception exception)
    {
        var errorType = exception is OperationCanceledException ? "cancelled" : exception.GetType().FullName ?? "error";
        activity?.SetStatus(ActivityStatusCode.Error, exception is OperationCanceledException ? "cancelled" : exception.GetType().Name);
        activity?.SetTag(ErrorTypeTag, errorType);
        Failures.Add(1, new KeyValuePair<string, object?>(StageTag, stage), new KeyValuePair<string, object?>(ErrorTypeTag, errorType));
    }
}
