using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HybridAnswer.Cli;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>
/// <c>compare</c> against the local OpenAI-compatible stub, whose two models behave differently and predictably: the base model
/// answers from the sources it is given (the best-matching source's first sentence, cited) and declines when none matches; the
/// "fine-tuned" model speaks in a fixed voice, grounded when given sources (hybrid) and from stale knowledge, uncited, without.
/// </summary>
public sealed partial class CompareCommandTests : IDisposable
{
    private const string BaseModel = "gpt-4o-mini";
    private const string FineTunedModel = "ft:gpt-4o-mini:acme::abc123";
    private const string Voice = "Ahoy from Acme!";

    // Base: 200 prompt and 10 completion tokens at $0.15/$0.60 per million; fine-tuned: 120 and 30 at $0.30/$1.20.
    private const decimal BaseCallUsd = (200 * 0.15m + 10 * 0.60m) / 1_000_000m;
    private const decimal FineTunedCallUsd = (120 * 0.30m + 30 * 1.20m) / 1_000_000m;

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("hybrid-answer-compare-");

    public CompareCommandTests()
    {
        var docs = Directory.CreateDirectory(Path.Combine(_work.FullName, "docs"));
        File.WriteAllText(Path.Combine(docs.FullName, "returns.md"), "# Returns\n\nItems can be returned within 30 days of delivery for a full refund. Return shipping is free.\n");
        File.WriteAllText(Path.Combine(docs.FullName, "shipping.md"), "# Shipping\n\nStandard shipping takes 3 to 5 business days. Express shipping arrives the next business day.\n");
        File.WriteAllText(Path.Combine(docs.FullName, "warranty.md"), "# Warranty\n\nEvery device carries a two year warranty covering manufacturing defects.\n");
        File.WriteAllText(Questions, string.Join('\n',
            """{"question": "How many days do I have to return items for a refund?", "expectedDocuments": ["returns"], "expectedAnswerContains": "30 days"}""",
            """{"question": "How long does standard shipping take?", "expectedDocuments": ["shipping"], "expectedAnswerContains": "3 to 5 business days"}""",
            """{"question": "How long is the warranty on a device?", "expectedDocuments": ["warranty"], "expectedAnswerContains": "two year"}""",
            """{"question": "What is the capital of Mongolia?", "unanswerable": true}""",
            """{"question": "Who won the football world cup in 1966?", "unanswerable": true}"""));
    }

    private string Questions => Path.Combine(_work.FullName, "questions.jsonl");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Compare_TwoModelsThatBehaveDifferently_EveryMetricSeparatesThem()
    {
        await using var stub = new OpenAiStubServer(Reply);

        var (code, output, error) = await CompareAsync(stub, "--json", "--needs-citations", "--knowledge-changes-weekly");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var rag = Mode(root, "rag");
        var fineTuned = Mode(root, "finetuned");
        var hybrid = Mode(root, "hybrid");

        // Facts: the base and hybrid answer from the knowledge base; the fine-tuned model's stale knowledge misses every fact.
        Assert.Equal(1.0, rag.GetProperty("factRate").GetDouble());
        Assert.Equal(1.0, hybrid.GetProperty("factRate").GetDouble());
        Assert.Equal(0.0, fineTuned.GetProperty("factRate").GetDouble());

        // Citations: both retrieving modes cite the source holding the sentence; without sources nothing is cited.
        Assert.Equal(1.0, rag.GetProperty("citationAccuracy").GetDouble());
        Assert.Equal(1.0, hybrid.GetProperty("citationAccuracy").GetDouble());
        Assert.Equal(0.0, fineTuned.GetProperty("citationAccuracy").GetDouble());

        // Groundedness: the voice sentence of the hybrid is in no source, so half its sentences are grounded.
        Assert.Equal(1.0, rag.GetProperty("groundedness").GetDouble());
        Assert.Equal(0.5, hybrid.GetProperty("groundedness").GetDouble());
        Assert.Equal(0.0, fineTuned.GetProperty("groundedness").GetDouble());

        // Refusals: the grounded modes refuse exactly the two unanswerable questions; the fine-tuned model refuses nothing.
        Assert.Equal(1.0, rag.GetProperty("refusalRecall").GetDouble());
        Assert.Equal(1.0, rag.GetProperty("refusalPrecision").GetDouble());
        Assert.Equal(1.0, hybrid.GetProperty("refusalRecall").GetDouble());
        Assert.Equal(0.0, fineTuned.GetProperty("refusalRecall").GetDouble());
        Assert.Equal(JsonValueKind.Null, fineTuned.GetProperty("refusalPrecision").ValueKind);
        Assert.Equal(1.0, rag.GetProperty("retrievalHitRate").GetDouble());
        Assert.Equal(JsonValueKind.Null, fineTuned.GetProperty("retrievalHitRate").ValueKind);

        // Latency: the fine-tuned model is served 50 ms slower.
        Assert.True(fineTuned.GetProperty("latencyP50Ms").GetDouble() >= 50, fineTuned.ToString());
        Assert.True(fineTuned.GetProperty("latencyP95Ms").GetDouble() >= fineTuned.GetProperty("latencyP50Ms").GetDouble());

        // Cost = usage x prices. Every fine-tuned question calls the model; the projection adds the $500 of training per month.
        Assert.Equal(FineTunedCallUsd, fineTuned.GetProperty("costUsdPerAnswer").GetDecimal());
        Assert.Equal(FineTunedCallUsd * 10_000 * 30 + 500m, fineTuned.GetProperty("projectedMonthlyUsd").GetDecimal());
        var ragCost = rag.GetProperty("costUsdPerAnswer").GetDecimal();
        Assert.InRange(ragCost, BaseCallUsd * 3 / 5, BaseCallUsd);
        Assert.Equal(ragCost * 10_000 * 30, rag.GetProperty("projectedMonthlyUsd").GetDecimal());
        Assert.Equal(200.0, rag.GetProperty("inputTokensPerAnswer").GetDouble());
        Assert.Equal(30.0, fineTuned.GetProperty("outputTokensPerAnswer").GetDouble());

        Assert.Equal("rag", root.GetProperty("recommendation").GetString());
        Assert.Equal("rag", root.GetProperty("checklistRecommendation").GetString());

        // The cost model's framework example is reported beside the measurement, unchanged.
        var modelled = root.GetProperty("modelled").EnumerateArray().ToDictionary(p => p.GetProperty("mode").GetString()!, p => p.GetProperty("totalUsdPerMonth").GetDecimal());
        Assert.Equal(990m, modelled["rag"]);
        Assert.Equal(1_700m, modelled["finetuned"]);
        Assert.Equal(1_790m, modelled["hybrid"]);
    }

    [Fact]
    public async Task Compare_ReferenceAnswersAndFormats_VoiceAndFormatAgreementSeparateTheModels()
    {
        // The reference answers speak in the fine-tuned voice and state the knowledge base's facts; the format wants the opener.
        const string format = ""","format": {"startsWith": "Ahoy from Acme!", "maxWords": 40}""";
        File.WriteAllText(Questions, string.Join('\n',
            """{"question": "How many days do I have to return items for a refund?", "expectedDocuments": ["returns"], "referenceAnswer": "Ahoy from Acme! You can send items back within 30 days of delivery." """ + format + "}",
            """{"question": "How long does standard shipping take?", "expectedDocuments": ["shipping"], "referenceAnswer": "Ahoy from Acme! Standard shipping takes 3 to 5 business days." """ + format + "}",
            """{"question": "How long is the warranty on a device?", "expectedDocuments": ["warranty"], "referenceAnswer": "Ahoy from Acme! Every device has a two year warranty." """ + format + "}",
            """{"question": "What is the capital of Mongolia?", "unanswerable": true}"""));
        await using var stub = new OpenAiStubServer(Reply);
        var report = Path.Combine(_work.FullName, "voice.md");

        var (code, output, error) = await CompareAsync(stub, "--json", "--report", report);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var rag = Mode(json.RootElement, "rag");
        var fineTuned = Mode(json.RootElement, "finetuned");
        var hybrid = Mode(json.RootElement, "hybrid");

        // Format: the base model's answers are short enough but never open in the voice (1 of 2 checks); the fine-tuned ones pass both.
        Assert.Equal(0.5, rag.GetProperty("formatAgreement").GetDouble());
        Assert.Equal(1.0, fineTuned.GetProperty("formatAgreement").GetDouble());
        Assert.Equal(1.0, hybrid.GetProperty("formatAgreement").GetDouble());

        // Voice: the same grounded sentence with the voice agrees more with the references than without it. Lexical, so facts
        // count too: the fine-tuned model's stale answer shares the voice but not the facts.
        var ragVoice = rag.GetProperty("voiceAgreement").GetDouble();
        var hybridVoice = hybrid.GetProperty("voiceAgreement").GetDouble();
        Assert.True(hybridVoice > ragVoice + 0.15, $"hybrid {hybridVoice} vs rag {ragVoice}");
        Assert.InRange(fineTuned.GetProperty("voiceAgreement").GetDouble(), 0.2, ragVoice);

        // Both count in the quality the verdict ranks on: with the voice wanted, hybrid wins.
        Assert.Equal("hybrid", json.RootElement.GetProperty("recommendation").GetString());
        var markdown = await File.ReadAllTextAsync(report);
        Assert.Matches(@"\| format agreement \| 0\.500 \| 1\.000 \| 1\.000 \|", markdown);
        Assert.Matches(@"\| voice agreement \| 0\.[0-9]{3} \| 0\.[0-9]{3} \| 0\.[0-9]{3} \|", markdown);
    }

    [Fact]
    public async Task Compare_CachedInputTokens_CostIsUsageTimesPricesWithTheCachedPrice()
    {
        // The fine-tuned model reports 100 of its 120 prompt tokens as read from the provider's cache.
        await using var stub = new OpenAiStubServer((request, number) => Reply(request, number) with { CachedTokens = request.Model == FineTunedModel ? 100 : null });

        var (code, output, error) = await CompareAsync(stub, ["--json", "--modes", "finetuned"], prices: ["--price", $"{FineTunedModel}=0.30/1.20/0.15"]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var fineTuned = Mode(json.RootElement, "finetuned");
        Assert.Equal(100.0, fineTuned.GetProperty("cachedInputTokensPerAnswer").GetDouble());
        Assert.Equal((20 * 0.30m + 100 * 0.15m + 30 * 1.20m) / 1_000_000m, fineTuned.GetProperty("costUsdPerAnswer").GetDecimal());
    }

    [Fact]
    public async Task Compare_TableAndReport_ShowEveryModeAndBothVerdicts()
    {
        await using var stub = new OpenAiStubServer(Reply);
        var report = Path.Combine(_work.FullName, "report.md");

        var (code, output, error) = await CompareAsync(stub, "--modes", "rag,finetuned", "--report", report);

        Assert.True(code == 0, error);
        Assert.Matches(@"metric\s+rag\s+finetuned", output);
        Assert.Matches(@"fact rate\s+1\.000\s+0\.000", output);
        Assert.Contains("measured verdict: rag", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hybrid  ", output, StringComparison.Ordinal);
        var markdown = await File.ReadAllTextAsync(report);
        Assert.Contains("| metric | rag | finetuned |", markdown, StringComparison.Ordinal);
        Assert.Matches(@"\| citation accuracy \| 1\.000 \| 0\.000 \|", markdown);
        Assert.Contains("checklist verdict: none", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_Baseline_FailsNamingMetricAndModeWhenQualityDropsOrCostRises()
    {
        await using var stub = new OpenAiStubServer(Reply);
        var (code, output, error) = await CompareAsync(stub, "--json", "--modes", "rag,finetuned");
        Assert.True(code == 0, error);
        var same = Path.Combine(_work.FullName, "same.json");
        await File.WriteAllTextAsync(same, output);

        // The same models against their own baseline pass the gate.
        (code, _, error) = await CompareAsync(stub, "--modes", "rag,finetuned", "--baseline", same);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("regression", error, StringComparison.Ordinal);

        // A baseline where the fine-tuned model knew 90 % of the facts and rag answers cost half: this run regressed on both.
        var better = JsonNode.Parse(output)!;
        var modes = better["modes"]!.AsArray();
        modes.First(m => (string?)m!["mode"] == "finetuned")!["factRate"] = 0.9;
        var ragNode = modes.First(m => (string?)m!["mode"] == "rag")!;
        ragNode["costUsdPerAnswer"] = ragNode["costUsdPerAnswer"]!.GetValue<decimal>() / 2;
        var baseline = Path.Combine(_work.FullName, "baseline.json");
        await File.WriteAllTextAsync(baseline, better.ToJsonString());
        var report = Path.Combine(_work.FullName, "gate.md");

        (code, _, error) = await CompareAsync(stub, "--modes", "rag,finetuned", "--baseline", baseline, "--max-drop", "0.05", "--report", report);

        Assert.Equal(ExitCodes.Regression, code);
        Assert.Contains("regression: finetuned: factRate dropped from 0.900 to 0.000 (allowed drop 0.05)", error, StringComparison.Ordinal);
        Assert.Contains("regression: rag: costUsdPerAnswer rose from", error, StringComparison.Ordinal);
        Assert.DoesNotContain("rag: factRate", error, StringComparison.Ordinal);
        Assert.Contains("- finetuned: factRate dropped", await File.ReadAllTextAsync(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_BadModesOrBaseline_UsageErrorBeforeAnyModelCall()
    {
        await using var stub = new OpenAiStubServer(Reply);
        var notJson = Path.Combine(_work.FullName, "not.json");
        await File.WriteAllTextAsync(notJson, "{\"hello\": 1}");

        var (code, _, error) = await CompareAsync(stub, "--modes", "rag,sideways");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--modes: 'sideways' is not a mode", error, StringComparison.Ordinal);

        (code, _, error) = await CompareAsync(stub, "--baseline", notJson);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("not the output of compare --json", error, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    private static JsonElement Mode(JsonElement root, string name) =>
        root.GetProperty("modes").EnumerateArray().Single(m => m.GetProperty("mode").GetString() == name);

    private Task<(int Code, string Output, string Error)> CompareAsync(OpenAiStubServer stub, params string[] more) =>
        CompareAsync(stub, more, ["--price", $"{BaseModel}=0.15/0.60", "--price", $"{FineTunedModel}=0.30/1.20"]);

    private async Task<(int Code, string Output, string Error)> CompareAsync(OpenAiStubServer stub, string[] more, string[] prices)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args =
        [
            "compare", "--questions", Questions, "--docs", Path.Combine(_work.FullName, "docs"), "--embedder", "hashing",
            "--endpoint", stub.Endpoint.ToString(), "--api-key", "k", "--base-model", BaseModel, "--fine-tuned-model", FineTunedModel,
            .. prices, .. more,
        ];
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static StubReply Reply(StubRequest request, int number)
    {
        var prompt = request.Prompt;
        var question = prompt[(prompt.LastIndexOf("Question: ", StringComparison.Ordinal) + "Question: ".Length)..];
        // A chunk starts with its heading line; the model quotes the paragraph under it.
        var sources = SourceElement().Matches(prompt).Select(m => (Number: m.Groups[1].Value, Text: m.Groups[2].Value.Split("\n\n")[^1])).ToList();
        var words = Words(question);
        var best = sources.Select(s => (s.Number, s.Text, Shared: Words(s.Text).Count(words.Contains))).Where(s => s.Shared >= 2).OrderByDescending(s => s.Shared).FirstOrDefault();
        var grounded = best.Text is null ? HybridAnsweringOptions.DefaultNoAnswerText : $"{best.Text.Split(". ")[0].TrimEnd('.')} [{best.Number}].";
        if (request.Model == FineTunedModel)
        {
            var text = sources.Count == 0 ? $"{Voice} Returns are accepted within 14 days of purchase." : best.Text is null ? grounded : $"{Voice} {grounded}";
            return new StubReply(Text: text, PromptTokens: 120, CompletionTokens: 30, Delay: TimeSpan.FromMilliseconds(50));
        }

        return new StubReply(Text: grounded, PromptTokens: 200, CompletionTokens: 10);
    }

    private static HashSet<string> Words(string text) =>
        [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value.TrimEnd('s')).Where(w => w.Length > 3)];

    [GeneratedRegex("<source id=\"([0-9]+)\"[^>]*>\\n(.*?)\\n</source>", RegexOptions.Singleline)]
    private static partial Regex SourceElement();

    [GeneratedRegex("[a-z0-9]+")]
    private static partial Regex WordPattern();
}
