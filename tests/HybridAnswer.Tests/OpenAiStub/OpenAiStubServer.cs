using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>A request the stub received.</summary>
internal sealed record StubRequest(string Method, string Path, string? Authorization, JsonObject Body)
{
    public string? Model => Body["model"]?.GetValue<string>();

    public bool Stream => Body["stream"]?.GetValue<bool>() ?? false;

    public string Prompt => string.Join("\n", Body["messages"]!.AsArray().Select(m => m!["content"] is JsonValue v ? v.GetValue<string>() : m!["content"]?.ToJsonString()));
}

/// <summary>What the stub answers with: an HTTP error, or a completion (plain JSON or server-sent events, as the request asks).</summary>
/// <remarks><paramref name="CachedTokens"/>, when given, is reported as <c>usage.prompt_tokens_details.cached_tokens</c> (part of the prompt tokens).</remarks>
internal sealed record StubReply(int Status = 200, string Text = "ok", int PromptTokens = 11, int CompletionTokens = 7, TimeSpan? Delay = null, string? RetryAfter = null, string? Garbage = null, int? CachedTokens = null);

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 (a free port), for wire tests of the real
/// Microsoft.Extensions.AI.OpenAI client: records every request, replies as told by <see cref="Reply"/>.
/// </summary>
internal sealed class OpenAiStubServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public OpenAiStubServer(Func<StubRequest, int, StubReply>? reply = null)
    {
        Reply = reply ?? ((_, _) => new StubReply());
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probing and binding; probe again.
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/v1");

    /// <summary>Decides the reply from the request and its 0-based number.</summary>
    public Func<StubRequest, int, StubReply> Reply { get; set; }

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    /// <summary>Handles a request before the chat-completions handling (files, fine-tuning jobs); returns whether it answered.</summary>
    public Func<HttpListenerContext, byte[], Task<bool>>? Raw { get; init; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _listener.Close();
        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        var number = 0;
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var index = number++;
            _ = Task.Run(() => HandleAsync(context, index));
        }
    }

    private async Task HandleAsync(HttpListenerContext context, int index)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            if (Raw is not null && await Raw(context, buffer.ToArray()))
            {
                return;
            }

            var body = Encoding.UTF8.GetString(buffer.ToArray());
            var request = new StubRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], JsonNode.Parse(body) as JsonObject ?? []);
            Requests.Enqueue(request);
            var reply = Reply(request, index);
            if (reply.Delay is { } delay)
            {
                await Task.Delay(delay, _stop.Token);
            }

            var response = context.Response;
            if (reply.Status != 200)
            {
                response.StatusCode = reply.Status;
                response.ContentType = "application/json";
                if (reply.RetryAfter is not null)
                {
                    response.Headers["Retry-After"] = reply.RetryAfter;
                }

                await WriteAsync(response, JsonSerializer.Serialize(new { error = new { message = $"stub error {reply.Status}", type = "server_error", code = (string?)null } }));
                response.Close();
                return;
            }

            var model = request.Model ?? "unknown";
            if (request.Stream)
            {
                response.ContentType = "text/event-stream";
                response.SendChunked = true;
                foreach (var piece in Pieces(reply.Text))
                {
                    await WriteAsync(response, "data: " + Chunk(model, piece) + "\n\n");
                    await response.OutputStream.FlushAsync();
                }

                if (reply.Garbage is not null)
                {
                    // A stream that breaks off in the middle with bytes that are not an event.
                    await WriteAsync(response, "data: " + reply.Garbage + "\n\n");
                    response.Close();
                    return;
                }

                await WriteAsync(response, "data: " + JsonSerializer.Serialize(new { id = "chatcmpl-stub", @object = "chat.completion.chunk", created = 1_700_000_000, model, choices = Array.Empty<object>(), usage = Usage(reply) }) + "\n\n");
                await WriteAsync(response, "data: [DONE]\n\n");
            }
            else if (reply.Garbage is not null)
            {
                response.ContentType = "application/json";
                await WriteAsync(response, reply.Garbage);
            }
            else
            {
                response.ContentType = "application/json";
                await WriteAsync(response, JsonSerializer.Serialize(new
                {
                    id = "chatcmpl-stub",
                    @object = "chat.completion",
                    created = 1_700_000_000,
                    model,
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = reply.Text }, finish_reason = "stop" } },
                    usage = Usage(reply),
                }));
            }

            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The client went away (a timeout or cancellation under test) or the stub is stopping.
        }
    }

    private static object Usage(StubReply reply) => reply.CachedTokens is { } cached
        ? new { prompt_tokens = reply.PromptTokens, completion_tokens = reply.CompletionTokens, total_tokens = reply.PromptTokens + reply.CompletionTokens, prompt_tokens_details = new { cached_tokens = cached } }
        : new { prompt_tokens = reply.PromptTokens, completion_tokens = reply.CompletionTokens, total_tokens = reply.PromptTokens + reply.CompletionTokens };

    private static string Chunk(string model, string text) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-stub",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model,
        choices = new[] { new { index = 0, delta = new { role = "assistant", content = text }, finish_reason = (string?)null } },
    });

    private static IEnumerable<string> Pieces(string text)
    {
        for (var i = 0; i < text.Length; i += 8)
        {
            yield return text.Substring(i, Math.Min(8, text.Length - i));
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await response.OutputStream.WriteAsync(bytes);
    }
}
