using HybridAnswer.Cli;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Tests.Cli;

public sealed class FileDistributedCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ha-file-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void SetThenGet_AnotherInstanceOnTheSameFolder_ReadsTheValue()
    {
        new FileDistributedCache(_directory).Set("k", [1, 2, 3], new DistributedCacheEntryOptions());

        Assert.Equal([1, 2, 3], new FileDistributedCache(_directory).Get("k"));
        Assert.Null(new FileDistributedCache(_directory).Get("other"));
    }

    [Fact]
    public void Get_Expired_ReturnsNullAndDeletesTheFile()
    {
        var cache = new FileDistributedCache(_directory);
        cache.Set("k", [1], new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddSeconds(-1) });

        Assert.Null(cache.Get("k"));
        Assert.Empty(Directory.EnumerateFiles(_directory, "*.entry", SearchOption.AllDirectories));
    }

    [Fact]
    public void Sweep_OverMaxBytes_EvictsTheLeastRecentlyUsedFirst()
    {
        var cache = new FileDistributedCache(_directory, maxBytes: 1_500);
        var value = new byte[1_000];
        cache.Set("old", value, new DistributedCacheEntryOptions());
        cache.Set("used", value, new DistributedCacheEntryOptions());
        cache.Set("new", value, new DistributedCacheEntryOptions());
        SetUsed(cache, "old", DateTime.UtcNow.AddHours(-2));
        SetUsed(cache, "used", DateTime.UtcNow.AddHours(-1));
        SetUsed(cache, "new", DateTime.UtcNow.AddMinutes(-1));
        Assert.NotNull(cache.Get("used"));

        cache.Sweep();

        // Two of the three must go: the oldest, then the one used longest ago — "new" was written after "used", but "used" was read since.
        Assert.Null(cache.Get("old"));
        Assert.Null(cache.Get("new"));
        Assert.NotNull(cache.Get("used"));
    }

    [Fact]
    public void Remove_DeletesTheEntry()
    {
        var cache = new FileDistributedCache(_directory);
        cache.Set("k", [1], new DistributedCacheEntryOptions());

        cache.Remove("k");

        Assert.Null(cache.Get("k"));
    }

    [Fact]
    public async Task SecondRun_SameDocumentsAndQuestion_EmbedsNothingAgain()
    {
        string[] texts = ["You can return most items within 30 days of delivery.", "Standard shipping takes 3 to 5 business days."];
        var first = await RunAsync(texts);
        var second = await RunAsync(texts);

        Assert.Equal(3, first);
        Assert.Equal(0, second);

        // One process's run, as the CLI's eval does it: a fresh container, the same cache folder.
        async Task<int> RunAsync(string[] documents)
        {
            var embedder = new CountingEmbeddingGenerator(64);
            var services = new ServiceCollection();
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
            services.AddSingleton<IDistributedCache>(new FileDistributedCache(_directory));
            services.AddHybridAnswering().UseCaching(o => o.CacheAnswers = false);
            await using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(documents.Select((t, i) => new KnowledgeDocument($"d{i}", $"d{i}", t)));
            await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How long does shipping take?");
            return embedder.Texts;
        }
    }

    private static void SetUsed(FileDistributedCache cache, string key, DateTime when) => File.SetLastWriteTimeUtc(cache.PathOf(key), when);
}
