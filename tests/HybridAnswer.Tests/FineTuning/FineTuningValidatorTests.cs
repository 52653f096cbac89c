using HybridAnswer.FineTuning;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.FineTuning;

public sealed class FineTuningValidatorTests
{
    private const string Valid = """{"messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! How can I help?"}]}""";

    private const string Other = """{"messages":[{"role":"user","content":"Thanks"},{"role":"assistant","content":"You're welcome!"}]}""";

    // Each rule: a line that breaks it and a line that follows it.
    public static TheoryData<string, string, string> Rules => new()
    {
        { FineTuningIssueCodes.InvalidJson, """{"messages": [""", Valid },
        { FineTuningIssueCodes.EmptyLine, "   ", Valid },
        { FineTuningIssueCodes.NotAnObject, """[{"role":"user","content":"Hi"}]""", Valid },
        { FineTuningIssueCodes.MissingMessages, """{"tools":[]}""", Valid },
        { FineTuningIssueCodes.MissingMessages, """{"messages":{"role":"user"}}""", Valid },
        { FineTuningIssueCodes.MissingMessages, """{"messages":[]}""", Valid },
        { FineTuningIssueCodes.MessageNotAnObject, """{"messages":["Hi",{"role":"assistant","content":"Hello"}]}""", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}""" },
        { FineTuningIssueCodes.InvalidRole, """{"messages":[{"role":"bot","content":"Hi"},{"role":"assistant","content":"Hello"}]}""", """{"messages":[{"role":"tool","content":"42","tool_call_id":"c1"},{"role":"assistant","content":"It is 42."}]}""" },
        { FineTuningIssueCodes.InvalidRole, """{"messages":[{"content":"Hi"},{"role":"assistant","content":"Hello"}]}""", Valid },
        { FineTuningIssueCodes.InvalidContent, """{"messages":[{"role":"user","content":["Hi"]},{"role":"assistant","content":"Hello"}]}""", Valid },
        { FineTuningIssueCodes.InvalidContent, """{"messages":[{"role":"user"},{"role":"assistant","content":"Hello"}]}""", """{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"weather","arguments":"{}"}}]},{"role":"tool","content":"Sunny","tool_call_id":"c1"},{"role":"assistant","content":"Sunny."}]}""" },
        { FineTuningIssueCodes.UnknownKey, """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}],"label":"greeting"}""", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}],"tools":[]}""" },
        { FineTuningIssueCodes.UnknownKey, """{"messages":[{"role":"user","content":"Hi","lang":"en"},{"role":"assistant","content":"Hello"}]}""", """{"messages":[{"role":"user","content":"Hi","name":"ann"},{"role":"assistant","content":"Hello"}]}""" },
        { FineTuningIssueCodes.NoAssistantMessage, """{"messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Hi"}]}""", Valid },
        { FineTuningIssueCodes.LastMessageNotAssistant, """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"},{"role":"user","content":"Bye"}]}""", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"},{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye"}]}""" },
        { FineTuningIssueCodes.InvalidWeight, """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello","weight":0.5}]}""", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Yo","weight":0},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello","weight":1}]}""" },
        { FineTuningIssueCodes.InvalidWeight, """{"messages":[{"role":"user","content":"Hi","weight":1},{"role":"assistant","content":"Hello"}]}""", Valid },
        { FineTuningIssueCodes.InvalidWeight, """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello","weight":"1"}]}""", Valid },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task ValidateAsync_RuleBroken_ReportsItOnItsLine(string code, string failing, string passing)
    {
        _ = passing;
        var report = await ValidateAsync([Valid, failing, Valid]);

        var issue = Assert.Single(report.Issues, i => i.Code == code);
        Assert.Equal(2, issue.Line);
        Assert.Equal(FineTuningIssueSeverity.Error, issue.Severity);
        Assert.False(report.IsValid);
        Assert.Equal(2, report.ExampleCount);
        Assert.Contains("line 2: error [" + code + "]", issue.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task ValidateAsync_RuleFollowed_ReportsNothing(string code, string failing, string passing)
    {
        _ = (code, failing);
        var report = await ValidateAsync([Other, passing]);

        Assert.Empty(report.Issues);
        Assert.True(report.IsValid);
        Assert.Equal(2, report.ExampleCount);
    }

    [Fact]
    public async Task ValidateAsync_ExampleOverTheModelsTokenLimit_IsAnErrorOnItsLine()
    {
        var small = new FineTuningModel { Id = "tiny", MaxTokensPerExample = 60, TrainingUsdPerMillionTokens = 1m };
        var longAnswer = string.Join(' ', Enumerable.Repeat("refund", 100));
        var failing = $$"""{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"{{longAnswer}}"}]}""";

        var report = await ValidateAsync([Valid, failing], o => o with { Model = small });

        var issue = Assert.Single(report.Issues);
        Assert.Equal((2, FineTuningIssueCodes.TooManyTokens), (issue.Line!.Value, issue.Code));
        Assert.Contains("at most 60", issue.Message, StringComparison.Ordinal);
        Assert.True(report.MaxExampleTokens > 100);
        Assert.Empty((await ValidateAsync([Valid], o => o with { Model = small })).Issues);
    }

    [Fact]
    public async Task ValidateAsync_TokenCounts_FollowTheCookbookFormula()
    {
        // "Hi" and "Hello" are one o200k token each, as are the role names: 2 × (3 + 1 + 1) + 3 = 13.
        var report = await ValidateAsync(["""{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}"""]);

        Assert.Equal("o200k_base", report.TokenEncoding);
        Assert.Equal(13, report.TotalTokens);
    }

    [Fact]
    public async Task ValidateAsync_DuplicateExample_WarnsOnTheRepeatNamingTheFirst()
    {
        var other = Valid.Replace("Hi", "Hey", StringComparison.Ordinal);

        var report = await ValidateAsync([Valid, other, Valid]);

        var issue = Assert.Single(report.Issues);
        Assert.Equal((3, FineTuningIssueCodes.DuplicateExample, FineTuningIssueSeverity.Warning), (issue.Line!.Value, issue.Code, issue.Severity));
        Assert.Contains("line 1", issue.Message, StringComparison.Ordinal);
        Assert.True(report.IsValid);
        Assert.Empty((await ValidateAsync([Valid, other])).Issues);
    }

    [Theory]
    [InlineData(9, FineTuningIssueCodes.TooFewExamples, FineTuningIssueSeverity.Error)]
    [InlineData(10, FineTuningIssueCodes.FewExamples, FineTuningIssueSeverity.Warning)]
    [InlineData(499, FineTuningIssueCodes.FewExamples, FineTuningIssueSeverity.Warning)]
    public async Task ValidateAsync_FewExamples_ReportsTheThreshold(int count, string code, FineTuningIssueSeverity severity)
    {
        var report = await ValidateAsync(Distinct(count), o => o with { MinimumExamples = 10, RecommendedExamples = 500 });

        var issue = Assert.Single(report.Issues);
        Assert.Equal((code, severity, (int?)null), (issue.Code, issue.Severity, issue.Line));
        Assert.Equal(severity == FineTuningIssueSeverity.Warning, report.IsValid);
    }

    [Fact]
    public async Task ValidateAsync_FiveHundredExamples_HasNoCountIssue()
    {
        var report = await ValidateAsync(Distinct(500), o => o with { MinimumExamples = 10, RecommendedExamples = 500, ValidationFraction = 0.1 });

        Assert.Empty(report.Issues);
        Assert.Equal((450, 50), (report.TrainingExampleCount, report.ValidationExampleCount));
    }

    [Fact]
    public async Task ValidateAsync_SplitAndCost_EstimateTrainingTokensTimesEpochs()
    {
        var options = new FineTuningValidationOptions { MinimumExamples = 0, RecommendedExamples = 0, ValidationFraction = 0.2, Model = new FineTuningModel { Id = "m", MaxTokensPerExample = 1000, TrainingUsdPerMillionTokens = 2_000_000m } };
        var lines = Distinct(20);

        var report = await new FineTuningValidator(options).ValidateAsync(new StringReader(string.Join('\n', lines)));

        Assert.Equal((16, 4), (report.TrainingExampleCount, report.ValidationExampleCount));
        Assert.Equal(FineTuningValidator.AutomaticEpochs(16), report.Epochs);
        Assert.Equal(6, report.Epochs); // 16 × 3 < 100 → 100 / 16
        Assert.InRange(report.TrainingTokensPerEpoch, 1, report.TotalTokens - 1);
        Assert.Equal(report.TrainingTokensPerEpoch * 6, report.EstimatedTrainingTokens);
        Assert.Equal(report.EstimatedTrainingTokens * 2m, report.EstimatedCostUsd); // $2M per 1M tokens = $2 per token
        Assert.Contains(report.Issues, i => i.Code == FineTuningIssueCodes.SmallValidationSet);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(40, 3)]
    [InlineData(1000, 3)]
    [InlineData(20000, 1)]
    [InlineData(1, 25)]
    public void AutomaticEpochs_FollowsTheServiceRule(int examples, int epochs) =>
        Assert.Equal(epochs, FineTuningValidator.AutomaticEpochs(examples));

    [Fact]
    public async Task ValidateAsync_ExplicitEpochs_AreUsed()
    {
        var report = await ValidateAsync(Distinct(12), o => o with { Epochs = 2 });

        Assert.Equal(2, report.Epochs);
    }

    [Fact]
    public async Task ValidateAsync_LeakedFact_WarnsOnItsLine()
    {
        var documents = new[] { new KnowledgeDocument("policies/returns", "Returns", "Unused items can be returned within 30 days of delivery for a full refund. Refunds are issued within 5 business days.") };
        var leaking = """{"messages":[{"role":"user","content":"Can I return it?"},{"role":"assistant","content":"Sure! You can return unused items within 30 days of delivery."}]}""";
        var styleOnly = """{"messages":[{"role":"user","content":"Thanks!"},{"role":"assistant","content":"You're very welcome. Have a lovely day!"}]}""";

        var report = await ValidateAsync([styleOnly, leaking], o => o with { LeakageDetector = new KnowledgeLeakageDetector(documents) });

        var issue = Assert.Single(report.Issues);
        Assert.Equal((2, FineTuningIssueCodes.KnowledgeLeakage, FineTuningIssueSeverity.Warning), (issue.Line!.Value, issue.Code, issue.Severity));
        Assert.Contains("policies/returns", issue.Message, StringComparison.Ordinal);
        Assert.Contains("'30'", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateFileAsync_ReadsAFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(path, Distinct(10));
            var report = await new FineTuningValidator().ValidateFileAsync(path);

            Assert.Equal((10, 10), (report.LineCount, report.ExampleCount));
            Assert.Equal(FineTuningModels.Default, report.Model);
            Assert.Equal(FineTuningIssueCodes.FewExamples, Assert.Single(report.Issues, i => i.Line is null && i.Code != FineTuningIssueCodes.SmallValidationSet).Code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Constructor_BadOptions_Throws()
    {
        Assert.Contains("HybridAnswering:FineTuning:Validation:ValidationFraction", Assert.Throws<OptionsValidationException>(() => new FineTuningValidator(new FineTuningValidationOptions { ValidationFraction = 0.9 })).Message, StringComparison.Ordinal);
        Assert.Contains("HybridAnswering:FineTuning:Validation:ValidationFraction", Assert.Throws<OptionsValidationException>(() => new FineTuningValidator(new FineTuningValidationOptions { ValidationFraction = double.NaN })).Message, StringComparison.Ordinal);
        Assert.Contains("HybridAnswering:FineTuning:Validation:Epochs", Assert.Throws<OptionsValidationException>(() => new FineTuningValidator(new FineTuningValidationOptions { Epochs = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("HybridAnswering:FineTuning:Validation:Model:MaxTokensPerExample", Assert.Throws<OptionsValidationException>(() => new FineTuningValidator(new FineTuningValidationOptions { Model = new FineTuningModel { Id = "m", MaxTokensPerExample = 0, TrainingUsdPerMillionTokens = 1m } })).Message, StringComparison.Ordinal);
    }

    internal static List<string> Distinct(int count) =>
        Enumerable.Range(1, count).Select(i => $$"""{"messages":[{"role":"user","content":"Question {{i}}?"},{"role":"assistant","content":"Answer number {{i}}, gladly."}]}""").ToList();

    private static Task<FineTuningValidationReport> ValidateAsync(IEnumerable<string> lines, Func<FineTuningValidationOptions, FineTuningValidationOptions>? configure = null)
    {
        var options = new FineTuningValidationOptions { MinimumExamples = 0, RecommendedExamples = 0, ValidationFraction = 0 };
        return new FineTuningValidator(configure?.Invoke(options) ?? options).ValidateAsync(new StringReader(string.Join('\n', lines)));
    }
}
