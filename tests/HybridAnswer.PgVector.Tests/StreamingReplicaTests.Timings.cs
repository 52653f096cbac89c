using System.Diagnostics;
using System.Globalization;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// The search times docs/operations.md states for each replica state ("The read path in each replica state"), measured in one
/// run on the real primary and standby: every search answers, within bounds far below the timeouts it used to wait for.
/// </summary>
public sealed partial class StreamingReplicaTests
{
    [Fact]
    public async Task ReadPath_EachReplicaState_EverySearchAnswersWithinItsBound()
    {
        // A short break, so that the searches return to the standby once it is back (the default is 30 s).
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection, o => o.ReplicaBreakDuration = TimeSpan.FromSeconds(1));
        await using var disposeKnowledgeBase = knowledgeBase;
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, 8).Select(m => Manual(m, 1)));
        await postgres.WaitForStandbyAsync();
        await FindsAsync(knowledgeBase, 1); // warm the pools

        var up = await TimeSearchesAsync(knowledgeBase);

        await postgres.StopStandbyAsync();
        IReadOnlyList<double> stopped;
        try
        {
            stopped = await TimeSearchesAsync(knowledgeBase);
        }
        finally
        {
            await postgres.StartStandbyAsync();
        }

        await postgres.WaitForStandbyAsync();
        await Task.Delay(1100);
        await FindsAsync(knowledgeBase, 1); // back on the standby
        await postgres.StopServerAsync();
        IReadOnlyList<double> primaryDown;
        try
        {
            primaryDown = await TimeSearchesAsync(knowledgeBase);
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        var load = (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load {load}; up: {Show(up)}; standby stopped: {Show(stopped)}; primary stopped: {Show(primaryDown)}"));

        // Bounds far below the 15 s connect timeout: nothing waits for a server that is down.
        Assert.All(up.Concat(stopped).Concat(primaryDown), ms => Assert.InRange(ms, 0, 5000));
    }

    private static async Task<IReadOnlyList<double>> TimeSearchesAsync(IRetriever retriever)
    {
        var times = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            Assert.True(await FindsAsync(retriever, i % 8));
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    /// <summary>"first 12.3 ms, then median 2.1 ms (max 4.0 ms)".</summary>
    private static string Show(IReadOnlyList<double> times)
    {
        var rest = times.Skip(1).Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"first {times[0]:0.0} ms, then median {rest[rest.Length / 2]:0.0} ms (max {rest[^1]:0.0} ms)");
    }
}
