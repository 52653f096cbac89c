using System.Diagnostics;
using HybridAnswer.Tests.Generation;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using static HybridAnswer.Tests.Hostile.ContentFuzzerTests;
using static HybridAnswer.Tests.Shared.HostileContent;

namespace HybridAnswer.Tests.Hostile;

/// <summary>The offline-generator part of the content fuzzer (see <see cref="ContentFuzzerTests"/>), its own class so xunit runs it beside the others.</summary>
public sealed class OfflineGeneratorFuzzerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OfflineGenerator_HostileSources_EveryCitationPointsAtASourceContainingTheQuote()
    {
        var random = new Random(Seed + 1);
        var cases = Scale;
        var answered = 0;
        var watch = Stopwatch.StartNew();
        var retriever = new SwitchableRetriever();
        var answerer = new HybridAnswerer(retriever, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions { MinScore = -1 }));
        for (var i = 0; i < cases; i++)
        {
            var sources = Enumerable.Range(0, random.Next(1, 5)).Select(n => FakeRetriever.Chunk($"doc{n}", HostileText(random, 500, maxRun: 1500), 0.9 - (n * 0.05), HostileTitle(random))).ToArray();
            var question = string.Join(' ', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Words[random.Next(Words.Length)])) + "?";
            retriever.Chunks = sources;
            await CaseAsync(i, $"question={Show(question)} sources=[{string.Join(" | ", sources.Select(x => Show(x.Content)))}]", async () =>
            {
                var answer = await answerer.AnswerAsync(question);

                Assert.All(answer.Citations, x => Assert.InRange(x.Index, 1, answer.Sources.Count));
                HostileContentTests.AssertEveryQuoteIsInTheSourceItCites(answer);
                answered += answer.Answered ? 1 : 0;
            });
        }

        output.WriteLine($"seed {Seed}: {cases} offline answers ({answered} answered) in {watch.ElapsedMilliseconds} ms");
        Assert.True(answered > cases / 20, $"only {answered} of {cases} questions were answered: the fuzzer no longer reaches the quoting code");
    }
}
