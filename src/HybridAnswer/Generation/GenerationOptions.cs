using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>How chat models are called: the timeout, the retries of transient failures and the fallback to the base model. Section <c>HybridAnswering:Generation</c>.</summary>
public sealed class GenerationOptions
{
    /// <summary>The configuration section these options bind from: <c>HybridAnswering:Generation</c>, inside <see cref="HybridAnsweringOptions"/>.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":Generation";

    /// <summary>Gets or sets a value indicating whether a failed call of the fine-tuned model (after its retries) is answered by the base model instead; the answer reports it in <see cref="Answer.UsedFallback"/>.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool FallbackToBaseModel { get; set; }

    /// <summary>Gets or sets how long one model call may take (each attempt; for streaming, the whole stream of the attempt).</summary>
    /// <value>The default is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets how often the library retries a transient failure (HTTP 408, 429, 5xx, a lost connection, a timeout); 0
    /// turns the library's retry layer off (the timeout stays). A failure of an SDK that retries itself is not retried again
    /// unless <see cref="RetrySdkFailures"/> is set, so the two layers do not multiply: one model call makes at most
    /// <c>1 + MaxRetryAttempts</c> attempts of its own, and an OpenAI or Azure OpenAI client with its default policy at most 4
    /// HTTP requests for an HTTP error (its own 1 + 3); the fallback model, when enabled, has the same budget again.
    /// </summary>
    /// <value>The default is 3.</value>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>
    /// Gets or sets a value indicating whether a failure reported by a <c>System.ClientModel</c> SDK (a
    /// <see cref="System.ClientModel.ClientResultException"/>: the OpenAI and Azure OpenAI clients) is retried by the library.
    /// Those SDKs retry 408, 429, 5xx and lost connections themselves (3 retries by default), so their exception arrives already
    /// retried, and retrying it again would multiply the attempts (4 × 4 = 16 HTTP requests for one answer). Set it only when
    /// the SDK's retries are off (<c>new OpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(maxRetries: 0) }</c>), to let
    /// the library's retries (with <c>Retry-After</c>, jitter and <see cref="MaxRetryDelay"/>) replace them. Timeouts of the
    /// library (<see cref="Timeout"/>) are retried either way.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RetrySdkFailures { get; set; }

    /// <summary>Gets or sets the delay before the first retry; later retries back off exponentially, with jitter.</summary>
    /// <value>The default is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between two attempts, including one asked for by a <c>Retry-After</c> header.</summary>
    /// <value>The default is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the sampling temperature sent to the model; <see langword="null"/> leaves the provider's default.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(0.0, 2.0)]
    public float? Temperature { get; set; }
}
