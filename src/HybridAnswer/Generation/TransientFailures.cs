using System.ClientModel;
using System.Globalization;
using System.Net;
using Polly.Timeout;

namespace HybridAnswer;

/// <summary>
/// Tells transient model-call failures (worth a retry) from permanent ones. Understands the two shapes providers
/// throw: <see cref="HttpRequestException"/> (raw <c>HttpClient</c>) and <see cref="ClientResultException"/>
/// (the OpenAI and Azure SDKs, through <c>System.ClientModel</c>).
/// </summary>
internal static class TransientFailures
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutRejectedException or TimeoutException => true,
        HttpRequestException http => http.StatusCode is null || IsTransient(http.StatusCode.Value),
        ClientResultException client => client.Status == 0 || IsTransient((HttpStatusCode)client.Status),
        _ => exception.InnerException is HttpRequestException or TimeoutException or IOException,
    };

    /// <summary>
    /// Whether the failure comes from a System.ClientModel SDK (OpenAI, Azure OpenAI), whose pipeline retries transient
    /// failures itself by default; see <see cref="GenerationOptions.RetrySdkFailures"/>.
    /// </summary>
    public static bool IsRetriedBySdk(Exception exception) =>
        exception is ClientResultException || exception.InnerException is ClientResultException;

    public static bool IsTimeout(Exception exception) =>
        exception is TimeoutRejectedException or TimeoutException || exception.InnerException is TimeoutRejectedException or TimeoutException;

    public static int? StatusCode(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => (int)status,
        ClientResultException { Status: > 0 } client => client.Status,
        { InnerException: { } inner } => StatusCode(inner),
        _ => null,
    };

    /// <summary>The delay a 429 or 503 response asked for in its <c>Retry-After</c> header, if any.</summary>
    public static TimeSpan? RetryAfter(Exception? exception)
    {
        if (exception is not ClientResultException client || client.GetRawResponse() is not { } response ||
            !response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
            ? (when - DateTimeOffset.UtcNow) is var delay && delay > TimeSpan.Zero ? delay : TimeSpan.Zero
            : null;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
