using System.Text.Json;
using HybridAnswer.FineTuning;

namespace HybridAnswer.Tests.FineTuning;

public sealed class TrainingJsonlTests
{
    [Fact]
    public async Task WriteAsyncThenReadAsync_RoundTripsEveryField()
    {
        var toolCalls = JsonDocument.Parse("""[{"id":"c1","type":"function","function":{"name":"order_status","arguments":"{\"id\":\"A-17\"}"}}]""").RootElement.Clone();
        var examples = new List<TrainingExample>
        {
            new([TrainingMessage.System("Be kind."), TrainingMessage.User("Où est ma commande ? \"A-17\"\n"), TrainingMessage.Assistant("Elle arrive demain 😊")]),
            new([
                TrainingMessage.User("Status of A-17?") with { Name = "ann" },
                new TrainingMessage { Role = TrainingRole.Assistant, Content = null, ToolCalls = toolCalls, Weight = 0 },
                new TrainingMessage { Role = TrainingRole.Tool, Content = "shipped", ToolCallId = "c1" },
                TrainingMessage.Assistant("It has shipped.") with { Weight = 1 },
            ]),
        };

        var writer = new StringWriter();
        var written = await TrainingJsonl.WriteAsync(writer, examples);
        var text = writer.ToString();
        var read = new List<TrainingExample>();
        await foreach (var example in TrainingJsonl.ReadAsync(new StringReader(text)))
        {
            read.Add(example);
        }

        Assert.Equal(2, written);
        Assert.Equal(2, text.Count(c => c == '\n'));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Contains("Où est ma commande ?", text, StringComparison.Ordinal);
        Assert.Equal(examples.Select(TrainingJsonl.Serialize), read.Select(TrainingJsonl.Serialize));
        Assert.Equal(examples[0].Messages, read[0].Messages);
        var tool = read[1].Messages[1];
        Assert.Equal((TrainingRole.Assistant, (string?)null, (int?)0), (tool.Role, tool.Content, tool.Weight));
        Assert.Equal("order_status", tool.ToolCalls!.Value[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("c1", read[1].Messages[2].ToolCallId);
        Assert.Equal("ann", read[1].Messages[0].Name);
    }

    [Fact]
    public void Serialize_WritesTheOpenAiChatFormat()
    {
        var line = TrainingJsonl.Serialize(new TrainingExample([TrainingMessage.User("Hi"), TrainingMessage.Assistant("Hello")]));

        Assert.Equal("""{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}""", line);
    }

    [Fact]
    public async Task WriteFileAsyncThenReadFileAsync_RoundTrips()
    {
        var path = Path.GetTempFileName();
        try
        {
            var examples = Enumerable.Range(0, 3).Select(i => new TrainingExample([TrainingMessage.User($"Q{i}"), TrainingMessage.Assistant($"A{i}")])).ToList();
            await TrainingJsonl.WriteFileAsync(path, examples);
            var read = await TrainingJsonl.ReadFileAsync(path);

            Assert.Equal(examples.Select(TrainingJsonl.Serialize), read.Select(TrainingJsonl.Serialize));
            Assert.NotEqual(0xEF, (await File.ReadAllBytesAsync(path))[0]); // no BOM
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReadAsync_BadLine_ThrowsNamingTheLine()
    {
        var text = """
            {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}
            {"messages":[{"role":"user","content":"Hi"}]}
            """;

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in TrainingJsonl.ReadAsync(new StringReader(text)))
            {
            }
        });

        Assert.StartsWith("line 2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("no assistant message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidRole_Throws() =>
        Assert.Contains("\"bot\"", Assert.Throws<InvalidDataException>(() => TrainingJsonl.Parse("""{"messages":[{"role":"bot","content":"x"}]}""")).Message, StringComparison.Ordinal);

    [Fact]
    public void TrainingExample_NoMessages_Throws() =>
        Assert.Throws<ArgumentException>(() => new TrainingExample([]));
}
