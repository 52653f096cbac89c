using System.Globalization;
using Microsoft.Extensions.Caching.Hybrid;

namespace HybridAnswer;

/// <summary>
/// Whole answers in the host's <see cref="HybridCache"/>, keyed by everything that decides them: the question, mode, top-K, floor,
/// tenant and filter, the model ids, the no-answer text, and the stamps of the part of the knowledge base the answer could read
/// (<see cref="KnowledgeVersions"/>). A call for a customer (the prompt carries their facts) or with a commit position to wait for is
/// never cached.
/// </summary>
internal sealed class AnswerCache(HybridCache cache, HybridAnswerCachingOptions options, KnowledgeVersions versions)
{
    private const string Kind = "answer";

    private readonly HybridCacheEntryOptions _entry = new() { Expiration = options.AnswerExpiration, LocalCacheExpiration = options.AnswerExpiration };
    private readonly HybridCacheEntryOptions _readOnly = new() { Expiration = options.AnswerExpiration, LocalCacheExpiration = options.AnswerExpiration, Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    /// <summary>The key of the call's answer, or <see langword="null"/> when the call must not be served from the cache.</summary>
    public async Task<string?> KeyAsync(AnswerCall call, HybridAnsweringOptions settings, CancellationToken cancellationToken)
    {
        if (!options.CacheAnswers || call.CustomerId is not null || call.MinCommitPosition is not null)
        {
            return null;
        }

        // FineTuned mode reads no knowledge, so no edit can change its answer.
        var stamps = call.Retrieves ? await versions.StampsAsync(call.TenantId, call.Filter, cancellationToken).ConfigureAwait(false) : "-";
        var filter = string.Join("\n", call.Filter.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => CacheKeys.Hash(p.Key, p.Value)));
        return $"{options.KeyPrefix}:a:" + CacheKeys.Hash(
            call.Question, call.Mode.ToString(), call.TopK.ToString(CultureInfo.InvariantCulture), call.MinScore.ToString("R", CultureInfo.InvariantCulture),
            call.TenantId, filter, settings.BaseModel, settings.FineTunedModel, settings.NoAnswerText, stamps);
    }

    /// <summary>The cached answer (a hit), or the one <paramref name="answer"/> produces (then cached); concurrent calls for one key share one production.</summary>
    public async Task<(Answer Answer, bool Hit)> GetOrAnswerAsync(string key, Func<CancellationToken, Task<Answer>> answer, CancellationToken cancellationToken)
    {
        Answer? produced = null;
        var result = await cache.GetOrCreateAsync(
            key,
            async token =>
            {
                produced = await answer(token).ConfigureAwait(false);
                return ForCache(produced);
            },
            _entry,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        Count(produced is null);

        // The caller that produced the answer gets it whole (with the chunks' embeddings); the others get the cached copy.
        return produced is null ? (result, true) : (produced, false);
    }

    /// <summary>The cached answer, or <see langword="null"/> (the stream produces and then <see cref="SetAsync"/>s it).</summary>
    public async Task<Answer?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var cached = await cache.GetOrCreateAsync(key, static _ => ValueTask.FromResult<Answer?>(null), _readOnly, cancellationToken: cancellationToken).ConfigureAwait(false);
        Count(cached is not null);
        return cached;
    }

    /// <summary>Caches an answer the stream produced.</summary>
    public ValueTask SetAsync(string key, Answer answer, CancellationToken cancellationToken) =>
        cache.SetAsync(key, ForCache(answer), _entry, cancellationToken: cancellationToken);

    /// <summary>What a cache hit returns: the stored answer, marked, that cost nothing this time.</summary>
    public static Answer Served(Answer cached, TimeSpan elapsed) => new(cached)
    {
        FromCache = true,
        CostUsd = 0m,
        Usage = null,
        Timings = new AnswerTimings { Retrieval = TimeSpan.Zero, Generation = TimeSpan.Zero, Total = elapsed },
    };

    /// <summary>Caches what a stream produced (when there is a cache and the call is cacheable) and passes it on.</summary>
    public static async Task<Answer> PassAsync(AnswerCache? cache, string? key, Answer answer, CancellationToken cancellationToken)
    {
        if (cache is not null && key is not null)
        {
            await cache.SetAsync(key, answer, cancellationToken).ConfigureAwait(false);
        }

        return answer;
    }

    /// <summary>A cached answer as a stream: its sources, its text (when it answered), then the answer.</summary>
    public static IEnumerable<AnswerUpdate> Replay(Answer served)
    {
        yield return new AnswerUpdate { Sources = served.Sources };
        if (served.Answered)
        {
            yield return new AnswerUpdate { Text = served.Text };
        }

        yield return new AnswerUpdate { Completed = served };
    }

    private static void Count(bool hit) =>
        (hit ? Telemetry.CacheHits : Telemetry.CacheMisses).Add(1, new KeyValuePair<string, object?>(Telemetry.CacheTag, Kind));

    // The chunks' embeddings are for rerankers, not for a reader of the answer: they would make every entry kilobytes larger.
    private static Answer ForCache(Answer answer) => new(answer) { Sources = [.. answer.Sources.Select(s => s.Embedding.IsEmpty ? s : s with { Embedding = default })] };
}
