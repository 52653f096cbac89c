using System.ClientModel;
using System.ClientModel.Primitives;
using System.CommandLine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace HybridAnswer.Cli;

/// <summary>
/// Which models a command generates with. With <c>--endpoint</c>, any OpenAI-compatible server (OpenAI, Ollama, vLLM,
/// LM Studio) through Microsoft.Extensions.AI.OpenAI; without it, the embedded extractive generator.
/// </summary>
internal sealed class ModelOptions
{
    /// <summary>The environment variable read when <c>--api-key</c> is not given.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    // Local servers (Ollama, LM Studio, vLLM without --api-key) accept any key, but the OpenAI SDK insists on one.
    private const string KeylessPlaceholder = "no-key";

    private readonly Option<AnswerMode?> _mode = CommonOptions.Mode();

    private readonly Option<Uri?> _endpoint = new("--endpoint")
    {
        Description = "Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (default: the embedded extractive generator, offline).",
        CustomParser = ParseEndpoint,
    };

    private readonly Option<string?> _apiKey = new("--api-key")
    {
        Description = $"API key sent as a bearer token (default: the {ApiKeyVariable} environment variable).",
    };

    private readonly Option<string?> _baseModel = new("--base-model")
    {
        Description = "Model id for the rag mode (default: gpt-4o-mini). Needs --endpoint.",
    };

    private readonly Option<string?> _fineTunedModel = new("--fine-tuned-model")
    {
        Description = "Fine-tuned model id for the finetuned and hybrid modes, e.g. ft:gpt-4o-mini:acme::abc123. Needs --endpoint.",
    };

    private readonly Option<bool> _fallback = new("--fallback")
    {
        Description = "When the fine-tuned model fails, answer with the base model (reported on the answer).",
    };

    private readonly Func<string, string?> _environment;

    public ModelOptions(Func<string, string?>? environment = null) => _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>Adds the options; <paramref name="withMode"/> false for commands that run several modes (<c>compare --modes</c>).</summary>
    public void AddTo(Command command, bool withMode = true)
    {
        if (withMode)
        {
            command.Options.Add(_mode);
        }

        command.Options.Add(_endpoint);
        command.Options.Add(_apiKey);
        command.Options.Add(_baseModel);
        command.Options.Add(_fineTunedModel);
        command.Options.Add(_fallback);
    }

    /// <summary>Applies the chosen mode and models to the options and the service collection.</summary>
    public void Register(HybridAnsweringBuilder builder, ParseResult parse)
    {
        var mode = parse.GetValue(_mode);
        var endpoint = parse.GetValue(_endpoint);
        var baseModel = NonEmpty(parse.GetValue(_baseModel), "--base-model");
        var fineTunedModel = NonEmpty(parse.GetValue(_fineTunedModel), "--fine-tuned-model");
        builder.Services.Configure<HybridAnsweringOptions>(o =>
        {
            if (mode is { } m)
            {
                o.Mode = m;
            }

            o.Generation.FallbackToBaseModel = parse.GetValue(_fallback);

            // The OpenAI client below retries nothing, so the library's pipeline is the one retry layer: without this, a
            // 429 or 503 ended the command after one request (issue 23). At most 1 + MaxRetryAttempts requests per model call.
            o.Generation.RetrySdkFailures = endpoint is not null;
        });

        if (endpoint is null)
        {
            if (baseModel is not null || fineTunedModel is not null || parse.GetValue(_apiKey) is not null)
            {
                throw new CliUsageException("--base-model, --fine-tuned-model and --api-key need --endpoint (without it, the offline extractive generator answers).");
            }

            if (mode is not null and not AnswerMode.Rag)
            {
                // The embedded extractive generator has no fine-tuned twin; name it so the mode is usable offline.
                builder.Services.Configure<HybridAnsweringOptions>(o => o.FineTunedModel ??= ExtractiveGenerator.ModelId);
            }

            return;
        }

        var apiKey = parse.GetValue(_apiKey) ?? _environment(ApiKeyVariable);
        var client = new OpenAIClient(
            new ApiKeyCredential(string.IsNullOrWhiteSpace(apiKey) ? KeylessPlaceholder : apiKey),
            new OpenAIClientOptions
            {
                Endpoint = endpoint,

                // Transient failures are retried by the library's own bounded Polly pipeline (RetrySdkFailures above, honouring
                // Retry-After); SDK retries on top would multiply them.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            });

        baseModel ??= new HybridAnsweringOptions().BaseModel;

        // One OpenAI client, one chat client per model id: the OpenAI SDK binds the model to the chat client.
        builder.UseBaseModel(client.GetChatClient(baseModel).AsIChatClient(), baseModel);
        if (fineTunedModel is not null)
        {
            builder.UseFineTunedModel(fineTunedModel, client.GetChatClient(fineTunedModel).AsIChatClient());
        }
    }

    /// <summary>Whether a real model endpoint was given (otherwise the offline extractive generator answers).</summary>
    public bool HasEndpoint(ParseResult parse) => parse.GetValue(_endpoint) is not null;

    /// <summary>Whether a fine-tuned model id was given.</summary>
    public bool HasFineTunedModel(ParseResult parse) => !string.IsNullOrWhiteSpace(parse.GetValue(_fineTunedModel));

    private static string? NonEmpty(string? value, string option) =>
        value is null ? null : string.IsNullOrWhiteSpace(value) ? throw new CliUsageException($"{option} is empty.") : value.Trim();

    private static Uri? ParseEndpoint(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"--endpoint must be an absolute http or https URL, e.g. http://localhost:11434/v1 (was '{text}').");
        return null;
    }
}
