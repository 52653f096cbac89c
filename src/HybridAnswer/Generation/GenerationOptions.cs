using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>How chat models are called: the timeout, the retries of transient failures and the fallback to the base model. Section <c>HybridAnswering:Generation</c>.</summary>
public sealed class GenerationOptions
{
    /// <summary>Gets or sets a value indicating whether a failed call of the fine-tuned model (after its retries) is answered by the base model instead; the answer reports it in <see cref="Answer.UsedFallback"/>.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool FallbackToBaseModel { get; set; }

    /// <summary>Gets or sets how long one model call may take (each attempt; for streaming, the whole stream of the attempt).</summary>
    /// <value>The default is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how often a transient failure (HTTP 408, 429, 5xx, a lost connection, a timeout) is retried; 0 disables retries.</summary>
    /// <value>The default is 3.</value>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

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
