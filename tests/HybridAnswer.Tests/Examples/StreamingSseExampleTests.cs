using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace HybridAnswer.Tests.Examples;

/// <summary>
/// Starts the built examples/StreamingSse program (the test project references it, so it is built first) and reads its
/// event stream over HTTP, as a browser's EventSource would.
/// </summary>
public sealed class StreamingSseExampleTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ask_StreamsSourcesFirstThenTextThenTheAnswerCitingTheStreamedSources()
    {
        var port = FreePort();
        using var example = StartExample(port);
        try
        {
            await WaitUntilListeningAsync(example);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = StreamTimeout };
            using var timeout = new CancellationTokenSource(StreamTimeout);
            using var response = await http.GetAsync("/ask?q=" + Uri.EscapeDataString("How many days do I have to return an item?"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var events = new List<SseItem<string>>();
            await using (var stream = await response.Content.ReadAsStreamAsync(timeout.Token))
            {
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(timeout.Token))
                {
                    events.Add(item);
                }
            }

            Assert.True(events.Count >= 3, $"expected sources, text and answer events, got {events.Count}: {Describe(events)}");
            Assert.Equal("sources", events[0].EventType);
            Assert.Equal("answer", events[^1].EventType);
            var deltas = events[1..^1];
            Assert.NotEmpty(deltas);
            Assert.All(deltas, e => Assert.Equal("delta", e.EventType));

            using var sources = JsonDocument.Parse(events[0].Data);
            var sourceChunks = sources.RootElement.EnumerateArray()
                .ToDictionary(s => s.GetProperty("index").GetInt32(), s => s.GetProperty("chunkId").GetString());
            Assert.NotEmpty(sourceChunks);
            Assert.Equal(Enumerable.Range(1, sourceChunks.Count), sourceChunks.Keys.Order());

            var text = string.Concat(deltas.Select(d => JsonDocument.Parse(d.Data).RootElement.GetProperty("text").GetString()));
            using var answer = JsonDocument.Parse(events[^1].Data);
            var root = answer.RootElement;
            Assert.True(root.GetProperty("answered").GetBoolean(), events[^1].Data);
            Assert.Equal("Rag", root.GetProperty("mode").GetString()); // enums as strings
            Assert.Equal(text.Trim(), root.GetProperty("text").GetString());
            Assert.Contains("30 days", text, StringComparison.Ordinal);

            var citations = root.GetProperty("citations").EnumerateArray().ToList();
            Assert.NotEmpty(citations);
            foreach (var citation in citations)
            {
                var index = citation.GetProperty("index").GetInt32();
                Assert.True(sourceChunks.TryGetValue(index, out var chunkId), $"citation [{index}] is not a streamed source");
                Assert.Equal(chunkId, citation.GetProperty("chunkId").GetString());
            }

            Assert.Equal("policies/returns", citations[0].GetProperty("documentId").GetString());
        }
        finally
        {
            Stop(example);
        }
    }

    [Fact]
    public async Task Answer_AnswerAndRefusal_JsonWithEnumsAsNames()
    {
        var port = FreePort();
        using var example = StartExample(port);
        try
        {
            await WaitUntilListeningAsync(example);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = StreamTimeout };

            var answered = await http.GetStringAsync("/answer?q=" + Uri.EscapeDataString("How many days do I have to return an item?"));
            var refused = await http.GetStringAsync("/answer?q=" + Uri.EscapeDataString("Which volcano erupted on Jupiter's moon Io in 1979?"));

            // The text a browser receives: names, not the enums' numbers.
            Assert.Contains("\"answered\":true", answered, StringComparison.Ordinal);
            Assert.Contains("\"mode\":\"Rag\"", answered, StringComparison.Ordinal);
            Assert.Contains("\"noAnswerReason\":null", answered, StringComparison.Ordinal);
            Assert.Contains("\"answered\":false", refused, StringComparison.Ordinal);
            Assert.Contains("\"mode\":\"Rag\"", refused, StringComparison.Ordinal);
            var reason = System.Text.RegularExpressions.Regex.Match(refused, "\"noAnswerReason\":\"(?<name>[A-Za-z]+)\"");
            Assert.True(reason.Success, refused);
            Assert.True(Enum.TryParse<NoAnswerReason>(reason.Groups["name"].Value, out _), refused);
        }
        finally
        {
            Stop(example);
        }
    }

    [Fact]
    public async Task Ask_EmptyQuestion_IsABadRequestNotAStream()
    {
        var port = FreePort();
        using var example = StartExample(port);
        try
        {
            await WaitUntilListeningAsync(example);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = StreamTimeout };

            using var response = await http.GetAsync("/ask?q=%20");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        finally
        {
            Stop(example);
        }
    }

    private static string ExampleDll()
    {
        var configuration = typeof(StreamingSseExampleTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HybridAnswer.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var dll = Path.Combine(directory.FullName, "examples", "StreamingSse", "bin", configuration, "net10.0", "StreamingSse.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project builds examples/StreamingSse first.");
        return dll;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ExampleProcess StartExample(int port)
    {
        var dll = ExampleDll();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(dll);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add($"http://127.0.0.1:{port}");
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment.Remove("ASPNETCORE_URLS");
        startInfo.Environment.Remove("ASPNETCORE_HTTP_PORTS");

        var example = new ExampleProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true });
        example.Process.OutputDataReceived += (_, e) => example.OnOutput(e.Data);
        example.Process.ErrorDataReceived += (_, e) => example.OnOutput(e.Data);
        example.Process.Exited += (_, _) => example.Listening.TrySetException(new InvalidOperationException($"the example exited with {example.Process.ExitCode}:\n{example.Output}"));
        example.Process.Start();
        example.Process.BeginOutputReadLine();
        example.Process.BeginErrorReadLine();
        return example;
    }

    private static async Task WaitUntilListeningAsync(ExampleProcess example)
    {
        try
        {
            await example.Listening.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the example did not listen within {StartTimeout.TotalSeconds} s:\n{example.Output}");
        }
    }

    private static void Stop(ExampleProcess example)
    {
        try
        {
            if (!example.Process.HasExited)
            {
                example.Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        example.Process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private static string Describe(IEnumerable<SseItem<string>> events) => string.Join(" | ", events.Select(e => $"{e.EventType}: {e.Data}"));

    private sealed class ExampleProcess(Process process) : IDisposable
    {
        private readonly StringBuilder _output = new();

        public Process Process { get; } = process;

        public TaskCompletionSource Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void OnOutput(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            // Microsoft.Hosting.Lifetime's start-up message: Kestrel is bound and the knowledge was ingested before it.
            if (line.Contains("Now listening on:", StringComparison.Ordinal))
            {
                Listening.TrySetResult();
            }
        }

        public void Dispose() => Process.Dispose();
    }
}
