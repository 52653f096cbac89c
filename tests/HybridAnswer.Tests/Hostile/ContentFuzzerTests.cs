using System.Diagnostics;
using System.Globalization;
using System.Text;
using HybridAnswer.InMemory;
using HybridAnswer.Tests.Generation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Moq;
using Xunit.Abstractions;
using static HybridAnswer.Tests.Shared.HostileContent;

namespace HybridAnswer.Tests.Hostile;

/// <summary>
/// Seeded content fuzzer (issue 13): hostile documents, folders and model replies — Unicode digits and brackets, delimiter
/// look-alikes, bidi and zero-width characters, huge lines, NUL, invalid UTF-8, front matter edge cases, markers of every shape —
/// checked against the invariants on every answer and ingest. Reproducible: the seed (HYBRIDANSWER_FUZZ_SEED, default fixed)
/// and the case are printed on failure; HYBRIDANSWER_FUZZ_CASES scales the number of cases.
/// </summary>
public sealed class ContentFuzzerTests(ITestOutputHelper output)
{


    [Fact]
    public async Task ModelReplies_HostileRepliesAndSources_CitationsOnlyPointAtSourcesTheModelWasShown()
    {
        var random = new Random(Seed);
        var cases = Scale;
        var watch = Stopwatch.StartNew();

        // One answerer for every case (building one validates options and sets up mocks: more than a case costs); each case
        // sets the sources and the reply.
        var retriever = new SwitchableRetriever();
        var reply = string.Empty;
        string? prompt = null;
        var client = new Mock<IChatClient>();
        client.Setup(m => m.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .Callback<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken>((m, _, _) => prompt = m.Last().Text)
            .ReturnsAsync(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
        client.Setup(m => m.GetStreamingResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .Callback<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken>((m, _, _) => prompt = m.Last().Text)
            .Returns(() => Stream(reply));
        var options = new HybridAnsweringOptions();
        var answerer = new HybridAnswerer(retriever, new ChatClientGenerator(client.Object, options.BaseModel, generation: options.Generation, prompt: options.Prompt), Options.Create(options));
        for (var i = 0; i < cases; i++)
        {
            var sources = Enumerable.Range(0, random.Next(1, 6)).Select(n => FakeRetriever.Chunk($"doc{n}", HostileText(random, 400, maxRun: 1500), 0.9 - (n * 0.05), HostileTitle(random))).ToArray();
            reply = HostileText(random, 300);
            retriever.Chunks = sources;
            prompt = null;
            var streaming = random.Next(4) == 0;
            await CaseAsync(i, $"reply={Show(reply)} sources=[{string.Join(" | ", sources.Select(x => Show(x.Title) + ": " + Show(x.Content)))}] streaming={streaming}", async () =>
            {
                var answer = streaming ? await CompletedAsync(answerer.AnswerStreamingAsync("What is the returns policy?")) : await answerer.AnswerAsync("What is the returns policy?");

                Assert.NotNull(answer.Text);

                // The safe rendering of whatever the model wrote is text only: no markup but the line breaks it writes itself.
                var html = AnswerRenderer.ToHtml(answer).Replace("<br>\n", "\n", StringComparison.Ordinal);
                Assert.DoesNotContain(html, c => c is '<' or '>' or '"' or '\'');
                Assert.DoesNotContain(AnswerRenderer.ToPlainText(answer), c => char.IsControl(c) && c is not '\n' and not '\t');
                if (prompt is null)
                {
                    Assert.Empty(answer.Citations);
                    return;
                }

                // The prompt has exactly one element per source shown, numbered from 1, whatever the sources contained.
                var tags = HostileContentTests.Tags(Fold(prompt));
                var shown = (tags.Length - 2) / 2;
                Assert.InRange(shown, 1, sources.Length);
                Assert.Equal(["<sources>", .. Enumerable.Range(1, shown).SelectMany(n => new[] { $"<source id=\"{n}\"", "</source>" }), "</sources>"], tags);
                foreach (var citation in answer.Citations)
                {
                    // Cited: a source the model was shown, under that number.
                    Assert.InRange(citation.Index, 1, shown);
                    var chunk = Assert.Single(sources, x => x.ChunkId == citation.ChunkId);
                    var start = prompt.IndexOf($"<source id=\"{citation.Index}\"", StringComparison.Ordinal);
                    var end = prompt.IndexOf("</source>", start, StringComparison.Ordinal);
                    var content = PromptBuilder.Neutralize(chunk.Content.Trim());
                    Assert.Contains(content[..Math.Min(content.Length, 200)], prompt[start..end], StringComparison.Ordinal);
                }

                Assert.Equal(answer.Citations.Count, answer.Citations.Select(x => x.Index).Distinct().Count());
            });
        }

        output.WriteLine($"seed {Seed}: {cases} model replies in {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Loader_HostileFiles_EveryFileLoadedOrReportedAndTheDocumentsIngest()
    {
        var random = new Random(Seed + 3);
        var rounds = Math.Max(2, Scale / 100);
        var files = 0;
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            var dir = Directory.CreateTempSubdirectory("ha-fuzz-").FullName;
            try
            {
                var written = new List<string>();
                for (var n = 0; n < 25; n++)
                {
                    var name = $"f{n:00}{(random.Next(3) == 0 ? "/sub" : string.Empty)}.md";
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, name))!);
                    File.WriteAllBytes(Path.Combine(dir, name), HostileFile(random));
                    written.Add(name);
                }

                files += written.Count;
                await CaseAsync(round, $"folder of {written.Count} files (seed {Seed + 3}, round {round})", async () =>
                {
                    var result = await KnowledgeDocumentLoader.ReadDirectoryAsync(dir, new KnowledgeLoaderOptions { MaxFileBytes = 64 * 1024 });

                    // Each file is accounted for exactly once: a document or a failure with a reason.
                    Assert.Equal(
                        written.Order(StringComparer.Ordinal),
                        result.Documents.Select(d => d.SourceUri!).Concat(result.Failures.Select(f => f.Path)).Order(StringComparer.Ordinal));
                    Assert.All(result.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));

                    var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
                    Assert.Equal(result.Documents.Count, (await kb.UpsertAsync(result.Documents)).Added);
                    Assert.Equal(result.Documents.Count, (await kb.UpsertAsync(result.Documents)).Unchanged);
                    Assert.Equal(result.Documents.Count, await kb.CountAsync());
                });
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        output.WriteLine($"seed {Seed}: {files} hostile files in {rounds} folders in {watch.ElapsedMilliseconds} ms");
    }

    private static byte[] HostileFile(Random random)
    {
        var frontMatter = random.Next(8) switch
        {
            0 => "---\ntitle: " + HostileTitle(random) + "\nstatus: published\n---\n",
            1 => "---\ntitle:\n---\n",
            2 => "---\n",
            3 => "---\n---\n",
            4 => "---\r\ntitle: \"quoted\"\r\n: no key\r\n---\r\n",
            5 => "\ufeff---\ntags:\n  - a\n  - b\nkey: value: more\n...\n",
            _ => string.Empty,
        };
        var body = HostileText(random, 300);
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(frontMatter + body.Replace('\ud800', 'x')));
        switch (random.Next(10))
        {
            case 0:
                bytes.Insert(random.Next(bytes.Count), 0xFF);
                break;
            case 1:
                bytes.InsertRange(random.Next(bytes.Count), [0xED, 0xA0, 0x80]);
                break;
            case 2:
                bytes.Insert(random.Next(bytes.Count), 0);
                break;
            case 3:
                bytes.Clear();
                break;
            case 4:
                bytes.AddRange(Encoding.UTF8.GetBytes(new string('y', 70 * 1024)));
                break;
        }

        return [.. bytes];
    }

    private static async Task<Answer> CompletedAsync(IAsyncEnumerable<AnswerUpdate> updates)
    {
        Answer? completed = null;
        await foreach (var update in updates)
        {
            completed = update.Completed ?? completed;
        }

        return completed ?? throw new InvalidOperationException("The stream ended without a completed answer.");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(string text)
    {
        await Task.Yield();
        foreach (var piece in text.Chunk(7))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, new string(piece));
        }
    }

    // NFKC (full-width and small forms fold to ASCII) without format characters; lone surrogates (a title cut mid-pair) first
    // become U+FFFD, which normalisation accepts.
    private static string Fold(string text)
    {
        var valid = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            valid.Append(rune.ToString());
        }

        return new(valid.ToString().Normalize(NormalizationForm.FormKC).Where(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.Format).ToArray());
    }

    /// <summary>A retriever whose chunks each case replaces.</summary>
    internal sealed class SwitchableRetriever : IRetriever
    {
        public RetrievedChunk[] Chunks { get; set; } = [];

        public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<RetrievedChunk>>(Chunks);
    }


}
