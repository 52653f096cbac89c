using HybridAnswer.Evaluation;

namespace HybridAnswer.Tests.Evaluation;

public sealed class EvaluationQuestionReaderTests
{
    [Fact]
    public void Parse_AnswerableAndUnanswerable_ReadsEveryField()
    {
        const string text = """
            {"question": "How long?", "expectedDocuments": ["policies/returns", "help/faq"], "expectedAnswerContains": "30 days"}

            // a comment
            {"question": "Electric cars?", "unanswerable": true, "note": "extra properties are ignored"}
            """;

        var questions = EvaluationQuestionReader.Parse(text, "set.jsonl");

        Assert.Equal(2, questions.Count);
        Assert.Equal("How long?", questions[0].Question);
        Assert.Equal(["policies/returns", "help/faq"], questions[0].ExpectedDocuments);
        Assert.Equal("30 days", questions[0].ExpectedAnswerContains);
        Assert.False(questions[0].Unanswerable);
        Assert.Equal(1, questions[0].Line);
        Assert.Equal("Electric cars?", questions[1].Question);
        Assert.True(questions[1].Unanswerable);
        Assert.Empty(questions[1].ExpectedDocuments);
        Assert.Null(questions[1].ExpectedAnswerContains);
        Assert.Equal(4, questions[1].Line);
    }

    [Theory]
    [InlineData("{\"question\": \"q\", \"expectedDocuments\": [\"a\"]", "not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"expectedDocuments\": [\"a\"]}", "'question' is missing")]
    [InlineData("{\"question\": \"  \", \"expectedDocuments\": [\"a\"]}", "'question' is missing")]
    [InlineData("{\"question\": \"q\"}", "give 'expectedDocuments'")]
    [InlineData("{\"question\": \"q\", \"expectedDocuments\": []}", "give 'expectedDocuments'")]
    [InlineData("{\"question\": \"q\", \"expectedDocuments\": \"a\"}", "must be an array")]
    [InlineData("{\"question\": \"q\", \"expectedDocuments\": [\"\"]}", "non-empty strings")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": \"yes\"}", "true or false")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"expectedDocuments\": [\"a\"]}", "unanswerable question cannot have")]
    [InlineData("{\"question\": 5, \"expectedDocuments\": [\"a\"]}", "'question' must be a string")]
    public void Parse_InvalidLine_ThrowsNamingSourceAndLine(string line, string expected)
    {
        var text = "{\"question\": \"fine\", \"unanswerable\": true}\n" + line;

        var error = Assert.Throws<InvalidDataException>(() => EvaluationQuestionReader.Parse(text, "set.jsonl"));

        Assert.StartsWith("set.jsonl line 2:", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReferenceAnswerAndFormat_ReadsEveryCheck()
    {
        const string text = """{"question": "q", "expectedDocuments": ["a"], "referenceAnswer": "Ahoy! Thirty days.", "format": {"pattern": "(?i)days", "minWords": 2, "maxWords": 40, "bullets": false, "startsWith": "Ahoy", "endsWith": "."}}""";

        var question = Assert.Single(EvaluationQuestionReader.Parse(text));

        Assert.Equal("Ahoy! Thirty days.", question.ReferenceAnswer);
        Assert.Equal(new AnswerFormat { Pattern = "(?i)days", MinWords = 2, MaxWords = 40, Bullets = false, StartsWith = "Ahoy", EndsWith = "." }, question.Format);
        Assert.Equal(6, question.Format!.Checks);
    }

    [Theory]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"format\": \"short\"}", "'format' must be an object")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"format\": {\"maxWord\": 3}}", "unknown check 'maxWord'")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"format\": {}}", "'format' has no checks")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"format\": {\"pattern\": \"(\"}}", "'format.pattern' is not a valid regular expression")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"format\": {\"maxWords\": -1}}", "'format.maxWords' must be a whole number")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"format\": {\"minWords\": 9, \"maxWords\": 3}}", "'format.minWords' (9) is above")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"format\": {\"bullets\": \"yes\"}}", "'format.bullets' must be true or false")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"format\": {\"endsWith\": \"\"}}", "'format.endsWith' must be a non-empty string")]
    [InlineData("{\"question\": \"q\", \"unanswerable\": true, \"referenceAnswer\": 3}", "'referenceAnswer' must be a string")]
    public void Parse_InvalidFormat_ThrowsNamingTheCheck(string line, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => EvaluationQuestionReader.Parse(line, "set.jsonl"));

        Assert.StartsWith("set.jsonl line 1:", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFileAsync_MissingFile_ThrowsFileNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".jsonl");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => EvaluationQuestionReader.ReadFileAsync(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFileAsync_SampleQuestionSet_Reads30QuestionsOf8Unanswerable()
    {
        var questions = await EvaluationQuestionReader.ReadFileAsync(EvaluationTestData.SampleQuestions);

        Assert.Equal(30, questions.Count);
        Assert.Equal(8, questions.Count(q => q.Unanswerable));
        Assert.All(questions.Where(q => !q.Unanswerable), q => Assert.NotEmpty(q.ExpectedDocuments));
        Assert.Equal(["policies/returns"], questions[0].ExpectedDocuments);
    }

    [Fact]
    public void Parse_Style_IsRead()
    {
        var questions = EvaluationQuestionReader.Parse("{\"question\": \"q\", \"expectedDocuments\": [\"a\"], \"style\": \"paraphrase\"}\n{\"question\": \"r\", \"unanswerable\": true}", "set.jsonl");

        Assert.Equal(["paraphrase", null], questions.Select(q => q.Style));
    }
}
