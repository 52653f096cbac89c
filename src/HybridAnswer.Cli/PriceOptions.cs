using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>--price MODEL=IN/OUT[/CACHED]</c> (repeatable) and <c>--prices FILE</c>: the chat-model prices <c>ask</c> computes
/// <c>costUsd</c> from, in US dollars per million input/output (and cached input) tokens (the unit providers publish). Without them only the
/// embedded extractive generator is priced (free), so an answer from a real model has an unknown cost.
/// </summary>
internal sealed class PriceOptions
{
    public const string PriceOptionName = "--price";
    public const string PricesOptionName = "--prices";

    // The bounds of ModelPrice and ModelPriceTable, so a value the CLI accepts is one the options validation accepts.
    private const decimal MaxPerMillionTokens = 1_000_000m;
    private const decimal MaxPerQuery = 1_000m;

    private const string Example = "e.g. --price gpt-4o-mini=0.15/0.60 or, with cached input priced apart, gpt-4o-mini=0.15/0.60/0.075";

    private readonly Option<string[]> _price = new(PriceOptionName)
    {
        Description = $"Price of a chat model, MODEL=INPUT/OUTPUT[/CACHED] in US dollars per million input/output tokens and, optionally, cached input tokens (default: the input price) (repeatable), {Example}. Fills costUsd; wins over --prices for the same model.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        Validators = { Validate },
    };

    private readonly Option<FileInfo?> _prices = new(PricesOptionName)
    {
        Description = "JSON file of prices, the shape of the HybridAnswering:Pricing section: {\"models\": {\"gpt-4o-mini\": {\"inputUsdPerMillionTokens\": 0.15, \"outputUsdPerMillionTokens\": 0.6, \"cachedInputUsdPerMillionTokens\": 0.075}}, \"embeddingUsdPerQuery\": 0, \"searchUsdPerQuery\": 0}.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_price);
        command.Options.Add(_prices);
    }

    /// <summary>Whether the command line priced anything: then an answer whose model has no price deserves a warning.</summary>
    public bool Given(ParseResult parse) => parse.GetValue(_prices) is not null || parse.GetValue(_price) is { Length: > 0 };

    /// <summary>Reads the prices file and the <c>--price</c> values and puts them into <see cref="HybridAnsweringOptions.Pricing"/>.</summary>
    public async Task RegisterAsync(HybridAnsweringBuilder builder, ParseResult parse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(parse);
        var file = parse.GetValue(_prices) is { } path ? await ReadFileAsync(path, cancellationToken).ConfigureAwait(false) : null;
        var prices = new Dictionary<string, ModelPrice>(file?.Models ?? [], StringComparer.OrdinalIgnoreCase);
        foreach (var value in parse.GetValue(_price) ?? [])
        {
            // The parse-time validator has already rejected malformed values; this is the same parse.
            var (model, price, error) = ParsePrice(value);
            prices[model] = price ?? throw new CliUsageException(error!);
        }

        if (prices.Count == 0 && file is null)
        {
            return;
        }

        builder.Services.Configure<HybridAnsweringOptions>(o =>
        {
            foreach (var (model, price) in prices)
            {
                o.Pricing.Models[model] = new ModelPrice { InputUsdPerMillionTokens = price.InputUsdPerMillionTokens, OutputUsdPerMillionTokens = price.OutputUsdPerMillionTokens, CachedInputUsdPerMillionTokens = price.CachedInputUsdPerMillionTokens };
            }

            if (file?.EmbeddingUsdPerQuery is { } embedding)
            {
                o.Pricing.EmbeddingUsdPerQuery = embedding;
            }

            if (file?.SearchUsdPerQuery is { } search)
            {
                o.Pricing.SearchUsdPerQuery = search;
            }
        });
    }

    /// <summary>A note for stderr when the cost of an answer is unknown although prices were given, saying why; otherwise <see langword="null"/>.</summary>
    public string? UnknownCostWarning(ParseResult parse, Answer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.CostUsd is not null || answer.ModelId is null || !Given(parse))
        {
            return null;
        }

        return answer.Usage?.InputTokens is null || answer.Usage.OutputTokens is null
            ? $"warning: costUsd is unknown: the model '{answer.ModelId}' reported no token counts."
            : $"warning: costUsd is unknown: no price for the model '{answer.ModelId}' (add {PriceOptionName} {answer.ModelId}=INPUT/OUTPUT).";
    }

    private static void Validate(OptionResult result)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in result.Tokens)
        {
            var (model, price, error) = ParsePrice(token.Value);
            if (price is null)
            {
                result.AddError(error!);
            }
            else if (!seen.Add(model))
            {
                result.AddError($"{PriceOptionName}: the model '{model}' is priced twice (model ids compare case-insensitively).");
            }
        }
    }

    /// <summary>Parses MODEL=INPUT/OUTPUT[/CACHED]. The model is everything before the last '=' (ids like <c>ft:gpt-4o-mini:acme::abc123</c> or <c>meta-llama/Llama-3.1-8B</c> keep their colons and slashes).</summary>
    internal static (string Model, ModelPrice? Price, string? Error) ParsePrice(string value)
    {
        var equals = value.LastIndexOf('=');
        var model = equals > 0 ? value[..equals].Trim() : string.Empty;
        var amounts = equals > 0 ? value[(equals + 1)..].Split('/') : [];
        if (model.Length == 0 || amounts.Length is not (2 or 3))
        {
            return (model, null, $"{PriceOptionName} '{value}' is not MODEL=INPUT/OUTPUT[/CACHED] (US dollars per million input/output/cached input tokens), {Example}.");
        }

        string[] what = ["input", "output", "cached input"];
        var parsed = new decimal[amounts.Length];
        for (var i = 0; i < amounts.Length; i++)
        {
            if (Amount(amounts[i], what[i], value, MaxPerMillionTokens, out parsed[i]) is { } error)
            {
                return (model, null, error);
            }
        }

        return (model, new ModelPrice { InputUsdPerMillionTokens = parsed[0], OutputUsdPerMillionTokens = parsed[1], CachedInputUsdPerMillionTokens = parsed.Length == 3 ? parsed[2] : null }, null);
    }

    private static string? Amount(string text, string what, string value, decimal max, out decimal amount)
    {
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out amount))
        {
            return $"{PriceOptionName} '{value}': the {what} price '{text}' is not a number (US dollars per million tokens, '.' as the decimal point), {Example}.";
        }

        return amount < 0 ? $"{PriceOptionName} '{value}': the {what} price must not be negative (was {text.Trim()})."
            : amount > max ? string.Create(CultureInfo.InvariantCulture, $"{PriceOptionName} '{value}': the {what} price must be at most {max:N0} US dollars per million tokens (was {text.Trim()}).")
            : null;
    }

    private static async Task<PriceFile> ReadFileAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliUsageException($"{PricesOptionName}: the file '{file.FullName}' does not exist.");
        }

        JsonDocument document;
        var stream = file.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                document = await JsonDocument.ParseAsync(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw new CliUsageException($"{PricesOptionName} '{file.Name}': not valid JSON ({e.Message}).", e);
            }
        }

        using (document)
        {
            return ParseFile(document.RootElement, file.Name);
        }
    }

    /// <summary>Reads the <c>HybridAnswering:Pricing</c> shape strictly: unknown properties, duplicates, missing or out-of-range prices are errors naming the path.</summary>
    internal static PriceFile ParseFile(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw FileError(name, "expected a JSON object with \"models\" (and optionally \"embeddingUsdPerQuery\", \"searchUsdPerQuery\").");
        }

        var models = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        decimal? embedding = null;
        decimal? search = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw FileError(name, $"\"{property.Name}\" appears twice.");
            }

            switch (property.Name.ToUpperInvariant())
            {
                case "MODELS":
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw FileError(name, "\"models\" must be an object of model id -> { \"inputUsdPerMillionTokens\", \"outputUsdPerMillionTokens\" }.");
                    }

                    foreach (var model in property.Value.EnumerateObject())
                    {
                        if (string.IsNullOrWhiteSpace(model.Name))
                        {
                            throw FileError(name, "\"models\" has an empty model id.");
                        }

                        if (models.ContainsKey(model.Name.Trim()))
                        {
                            throw FileError(name, $"the model '{model.Name.Trim()}' is priced twice (model ids compare case-insensitively).");
                        }

                        models[model.Name.Trim()] = ParseModel(model, name);
                    }

                    break;
                case "EMBEDDINGUSDPERQUERY":
                    embedding = Number(property, MaxPerQuery, "embeddingUsdPerQuery", name);
                    break;
                case "SEARCHUSDPERQUERY":
                    search = Number(property, MaxPerQuery, "searchUsdPerQuery", name);
                    break;
                default:
                    throw FileError(name, $"unknown property \"{property.Name}\" (expected \"models\", \"embeddingUsdPerQuery\", \"searchUsdPerQuery\").");
            }
        }

        return new PriceFile(models, embedding, search);
    }

    private static ModelPrice ParseModel(JsonProperty model, string name)
    {
        var path = $"models.{model.Name.Trim()}";
        if (model.Value.ValueKind != JsonValueKind.Object)
        {
            throw FileError(name, $"{path} must be an object with \"inputUsdPerMillionTokens\" and \"outputUsdPerMillionTokens\".");
        }

        decimal? input = null;
        decimal? output = null;
        decimal? cached = null;
        foreach (var property in model.Value.EnumerateObject())
        {
            switch (property.Name.ToUpperInvariant())
            {
                case "INPUTUSDPERMILLIONTOKENS" when input is null:
                    input = Number(property, MaxPerMillionTokens, $"{path}.inputUsdPerMillionTokens", name);
                    break;
                case "OUTPUTUSDPERMILLIONTOKENS" when output is null:
                    output = Number(property, MaxPerMillionTokens, $"{path}.outputUsdPerMillionTokens", name);
                    break;
                case "CACHEDINPUTUSDPERMILLIONTOKENS" when cached is null:
                    cached = Number(property, MaxPerMillionTokens, $"{path}.cachedInputUsdPerMillionTokens", name);
                    break;
                case "INPUTUSDPERMILLIONTOKENS" or "OUTPUTUSDPERMILLIONTOKENS" or "CACHEDINPUTUSDPERMILLIONTOKENS":
                    throw FileError(name, $"{path}.{property.Name} appears twice.");
                default:
                    throw FileError(name, $"{path}: unknown property \"{property.Name}\" (expected \"inputUsdPerMillionTokens\", \"outputUsdPerMillionTokens\", \"cachedInputUsdPerMillionTokens\").");
            }
        }

        // Both are required: a missing one would silently price those tokens at zero.
        return input is { } i && output is { } o
            ? new ModelPrice { InputUsdPerMillionTokens = i, OutputUsdPerMillionTokens = o, CachedInputUsdPerMillionTokens = cached }
            : throw FileError(name, $"{path} needs both \"inputUsdPerMillionTokens\" and \"outputUsdPerMillionTokens\".");
    }

    private static decimal Number(JsonProperty property, decimal max, string path, string name)
    {
        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDecimal(out var value))
        {
            throw FileError(name, $"{path} must be a number (was {property.Value.GetRawText()}).");
        }

        if (value < 0 || value > max)
        {
            throw FileError(name, string.Create(CultureInfo.InvariantCulture, $"{path} must be between 0 and {max:N0} US dollars (was {property.Value.GetRawText()})."));
        }

        return value;
    }

    private static CliUsageException FileError(string name, string what) => new($"{PricesOptionName} '{name}': {what}");

    /// <summary>The contents of a prices file.</summary>
    internal sealed record PriceFile(Dictionary<string, ModelPrice> Models, decimal? EmbeddingUsdPerQuery, decimal? SearchUsdPerQuery);
}
