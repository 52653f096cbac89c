using System.Text;

namespace HybridAnswer;

/// <summary>
/// Reads a folder of Markdown and text files into <see cref="KnowledgeDocument"/>s. The id of a document is its
/// path relative to the folder, without extension, with <c>/</c> separators; YAML front matter (flat <c>key: value</c>
/// lines between <c>---</c> lines) gives the title, and every other key becomes metadata, so <c>status: draft</c> is filterable.
/// </summary>
public static class KnowledgeDocumentLoader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Loads every <c>*.md</c>, <c>*.markdown</c> and <c>*.txt</c> file under a folder, recursively, in ordinal path order.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="tenantId">The tenant to assign to every document, if any.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The documents.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not valid UTF-8 or has malformed front matter; the message names the file.</exception>
    public static async Task<IReadOnlyList<KnowledgeDocument>> LoadDirectoryAsync(string directory, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The documents folder '{directory}' does not exist.");
        }

        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
            .Where(f => Path.GetExtension(f).ToUpperInvariant() is ".MD" or ".MARKDOWN" or ".TXT")
            .Order(StringComparer.Ordinal)
            .ToList();

        var documents = new List<KnowledgeDocument>(files.Count);
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            string text;
            try
            {
                text = await File.ReadAllTextAsync(file, StrictUtf8, cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"'{relative}' is not valid UTF-8 text.", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new IOException($"'{relative}' cannot be read: {e.Message}", e);
            }

            var id = relative[..^Path.GetExtension(relative).Length];
            documents.Add(Parse(id, text, relative, tenantId));
        }

        return documents;
    }

    /// <summary>Parses one document's text: front matter, title and body.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="text">The file text.</param>
    /// <param name="sourceUri">Where it came from.</param>
    /// <param name="tenantId">The tenant, if any.</param>
    /// <returns>The document.</returns>
    /// <exception cref="InvalidDataException">The front matter is not closed or has a line that is not <c>key: value</c>.</exception>
    public static KnowledgeDocument Parse(string id, string text, string? sourceUri = null, string? tenantId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(text);
        var where = sourceUri ?? id;
        var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var bodyStart = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            var end = Array.FindIndex(lines, 1, l => l.Trim() is "---" or "...");
            if (end < 0)
            {
                throw new InvalidDataException($"'{where}': the front matter starting on line 1 is never closed with '---'.");
            }

            for (var i = 1; i < end; i++)
            {
                var line = lines[i];
                if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#') || char.IsWhiteSpace(line[0]) || line.TrimStart().StartsWith('-'))
                {
                    // Blank lines, comments and nested YAML (indented or list items) carry nothing we can filter on.
                    continue;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new InvalidDataException($"'{where}' line {i + 1}: front matter lines must be 'key: value', got '{Truncate(line)}'.");
                }

                var key = line[..colon].Trim();
                var value = Unquote(line[(colon + 1)..].Trim());
                if (value.Length > 0)
                {
                    metadata[key] = value;
                }
            }

            bodyStart = end + 1;
        }

        var body = string.Join('\n', lines.Skip(bodyStart)).Trim();
        if (!metadata.Remove("title", out var title) || string.IsNullOrWhiteSpace(title))
        {
            title = lines.Skip(bodyStart).FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim();
        }

        if (string.IsNullOrWhiteSpace(title))
        {
            title = Path.GetFileName(id);
        }

        return new KnowledgeDocument(id, title, body) { Metadata = metadata, SourceUri = sourceUri, TenantId = tenantId };
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && ((value[0] == '"' && value[^1] == '"') || (value[0] == '\'' && value[^1] == '\'')) ? value[1..^1] : value;

    private static string Truncate(string line) => line.Length <= 60 ? line : line[..60] + "…";
}
