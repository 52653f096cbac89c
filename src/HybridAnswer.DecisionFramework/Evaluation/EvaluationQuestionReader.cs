using System.Text;
using System.Text.Json;

namespace HybridAnswer.Evaluation;

/// <summary>
/// Reads evaluation questions from JSON Lines, one object per line:
/// <c>{"question": "...", "expectedDocuments": ["..."], "expectedAnswerContains": "..."}</c> or
/// <c>{"question": "...", "unanswerable": true}</c>; an optional <c>"style"</c> (e.g. <c>"lexical"</c>, <c>"paraphrase"</c>) groups
/// the metrics by how the question was asked; an optional <c>"referenceAnswer"</c> (the answer in the voice wanted) and
/// <c>"format"</c> (<c>{"pattern", "minWords", "maxWords", "bullets", "startsWith", "endsWith"}</c>, <see cref="AnswerFormat"/>)
/// say what an answer should sound and look like (<see cref="ModeComparer"/>). Blank lines and lines starting with <c>//</c> are skipped.
/// </summary>
public static class EvaluationQuestionReader
{
    /// <summary>Reads a question file.</summary>
    /// <param name="path">The <c>.jsonl</c> file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The questions, in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is not a valid question; the message names the file and the line.</exception>
    public static async Task<IReadOnlyList<EvaluationQuestion>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The questions file '{path}' does not exist.", path);
        }

        var text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        return Parse(text, Path.GetFileName(path));
    }

    /// <summary>Parses JSON Lines text.</summary>
    /// <param name="jsonLines">The text, one JSON object per line.</param>
    /// <param name="source">A name for messages (e.g. the file name); <c>questions</c> when <see langword="null"/>.</param>
    /// <returns>The questions, in order.</returns>
    /// <exception cref="InvalidDataException">A line is not a valid question; the message names the source and the line.</exception>
    public static IReadOnlyList<EvaluationQuestion> Parse(string jsonLines, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(jsonLines);
        source ??= "questions";
        var questions = new List<EvaluationQuestion>();
        var lines = jsonLines.TrimStart('\uFEFF').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            questions.Add(ParseLine(line, i + 1, source));
        }

        return questions;
    }

    private static EvaluationQuestion ParseLine(string line, int number, string source)
    {
        string Where() => $"{source} line {number}";
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Where()}: not valid JSON ({e.Message}).", e);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{Where()}: expected a JSON object, got {root.ValueKind}.");
            }

            string? question = null;
            string? contains = null;
            string? style = null;
            string? reference = null;
            AnswerFormat? format = null;
            var unanswerable = false;
            var documents = new List<string>();
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "question":
                        question = String(property, Where);
                        break;
                    case "expectedAnswerContains":
                        contains = property.Value.ValueKind == JsonValueKind.Null ? null : String(property, Where);
                        break;
                    case "style":
                        style = property.Value.ValueKind == JsonValueKind.Null ? null : String(property, Where);
                        break;
                    case "referenceAnswer":
                        reference = property.Value.ValueKind == JsonValueKind.Null ? null : String(property, Where);
                        break;
                    case "format":
                        format = property.Value.ValueKind == JsonValueKind.Null ? null : ParseFormat(property.Value, Where);
                        break;
                    case "unanswerable":
                        unanswerable = property.Value.ValueKind switch
                        {
                            JsonValueKind.True => true,
                            JsonValueKind.False => false,
                            _ => throw new InvalidDataException($"{Where()}: 'unanswerable' must be true or false."),
                        };
                        break;
                    case "expectedDocuments":
                        if (property.Value.ValueKind != JsonValueKind.Array)
                        {
                            throw new InvalidDataException($"{Where()}: 'expectedDocuments' must be an array of document ids.");
                        }

                        foreach (var item in property.Value.EnumerateArray())
                        {
                            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                            {
                                throw new InvalidDataException($"{Where()}: 'expectedDocuments' must hold non-empty strings.");
                            }

                            documents.Add(item.GetString()!);
                        }

                        break;
                    default:
                        // Unknown properties (notes, tags) are allowed, so sets can carry extra annotations.
                        break;
                }
            }

            if (string.IsNullOrWhiteSpace(question))
            {
                throw new InvalidDataException($"{Where()}: 'question' is missing or empty.");
            }

            if (unanswerable && (documents.Count > 0 || contains is not null))
            {
                throw new InvalidDataException($"{Where()}: an unanswerable question cannot have 'expectedDocuments' or 'expectedAnswerContains'.");
            }

            if (!unanswerable && documents.Count == 0)
            {
                throw new InvalidDataException($"{Where()}: give 'expectedDocuments' (at least one id) or \"unanswerable\": true.");
            }

            return new EvaluationQuestion
            {
                Question = question,
                ExpectedDocuments = documents,
                ExpectedAnswerContains = contains,
                Unanswerable = unanswerable,
                Style = string.IsNullOrWhiteSpace(style) ? null : style.Trim(),
                ReferenceAnswer = string.IsNullOrWhiteSpace(reference) ? null : reference,
                Format = format,
                Line = number,
            };
        }
    }

    /// <summary>Reads a format strictly: an unknown or mistyped check would otherwise go unscored without a word.</summary>
    private static AnswerFormat ParseFormat(JsonElement value, Func<string> where)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where()}: 'format' must be an object of checks: pattern, minWords, maxWords, bullets, startsWith, endsWith.");
        }

        var format = new AnswerFormat();
        foreach (var check in value.EnumerateObject())
        {
            format = check.Name switch
            {
                "pattern" => format with { Pattern = FormatString(check, where) },
                "minWords" => format with { MinWords = WordCount(check, where) },
                "maxWords" => format with { MaxWords = WordCount(check, where) },
                "bullets" => format with { Bullets = check.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? check.Value.GetBoolean() : throw new InvalidDataException($"{where()}: 'format.bullets' must be true or false.") },
                "startsWith" => format with { StartsWith = FormatString(check, where) },
                "endsWith" => format with { EndsWith = FormatString(check, where) },
                _ => throw new InvalidDataException($"{where()}: 'format' has an unknown check '{check.Name}' (use pattern, minWords, maxWords, bullets, startsWith, endsWith)."),
            };
        }

        if (format.Pattern is { } pattern && ReferenceAgreement.PatternError(pattern) is { } error)
        {
            throw new InvalidDataException($"{where()}: 'format.pattern' is not a valid regular expression: {error}");
        }

        if (format.MinWords > format.MaxWords)
        {
            throw new InvalidDataException($"{where()}: 'format.minWords' ({format.MinWords}) is above 'format.maxWords' ({format.MaxWords}).");
        }

        return format.Checks > 0 ? format : throw new InvalidDataException($"{where()}: 'format' has no checks.");
    }

    private static string FormatString(JsonProperty check, Func<string> where) =>
        check.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(check.Value.GetString())
            ? check.Value.GetString()!
            : throw new InvalidDataException($"{where()}: 'format.{check.Name}' must be a non-empty string.");

    private static int WordCount(JsonProperty check, Func<string> where) =>
        check.Value.ValueKind == JsonValueKind.Number && check.Value.TryGetInt32(out var count) && count >= 0
            ? count
            : throw new InvalidDataException($"{where()}: 'format.{check.Name}' must be a whole number of words, 0 or more.");

    private static string String(JsonProperty property, Func<string> where) =>
        property.Value.ValueKind == JsonValueKind.String
            ? property.Value.GetString()!
            : throw new InvalidDataException($"{where()}: '{property.Name}' must be a string.");
}
