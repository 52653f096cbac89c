using System.Text;

namespace HybridAnswer;

/// <summary>
/// Reads a folder of Markdown and text files into <see cref="KnowledgeDocument"/>s. The id of a document is its
/// path relative to the folder, without extension, with <c>/</c> separators. YAML front matter (between a first line <c>---</c>
/// and the next <c>---</c>) gives the title, and every other key becomes filterable metadata: a scalar (text, number, boolean,
/// as written) goes to <see cref="KnowledgeDocument.Metadata"/>, a list of scalars to <see cref="KnowledgeDocument.MultiValuedMetadata"/>,
/// a nested map is flattened to <c>parent.child</c> keys, and null or empty values are left out. So <c>status: draft</c> and
/// <c>tags: [billing, refunds]</c> are filterable (<c>status=draft</c>, <c>tags=billing</c>).
/// </summary>
/// <remarks>
/// The walk is safe on folders it does not control: each real file is read once however many symbolic links lead to it (a
/// link loop is not followed round), a file over <see cref="KnowledgeLoaderOptions.MaxFileBytes"/> is never read, and a file
/// that reports no size is never opened — FIFOs, sockets and devices report none, so a named pipe cannot hang the load and
/// <c>/dev/zero</c> cannot fill memory (an empty regular file is reported too: it holds no document). Hidden files and folders
/// are skipped. A symbolic link — to a file or a folder, directly, through a chain of links or with <c>..</c> in its target —
/// whose target resolves outside the folder is never opened: it is reported as a <see cref="KnowledgeLoadFailure"/> naming the
/// link, and gives no document (so a syncing ingest removes a copy stored earlier). Links that stay inside the folder are
/// followed unless <see cref="KnowledgeLoaderOptions.FollowSymbolicLinks"/> is off. On Linux each opened file is checked again
/// through its handle, so a folder swapped for a link between the walk and the read is caught too.
/// </remarks>
public static class KnowledgeDocumentLoader
{
    /// <summary>
    /// Loads every <c>*.md</c>, <c>*.markdown</c> and <c>*.txt</c> file under a folder, recursively, in ordinal path order, and
    /// fails on the first file that gives no document. <see cref="ReadDirectoryAsync"/> reads the good files and reports the bad ones.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="tenantId">The tenant to assign to every document, if any.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The documents.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not valid UTF-8, is too large, empty or not a regular file, or has malformed front matter; the message names the file.</exception>
    /// <exception cref="IOException">A file or folder cannot be read (vanished, no permission); the message names it.</exception>
    public static async Task<IReadOnlyList<KnowledgeDocument>> LoadDirectoryAsync(string directory, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var result = await ReadDirectoryAsync(directory, new KnowledgeLoaderOptions { TenantId = tenantId }, cancellationToken).ConfigureAwait(false);
        if (result.Failures.Count > 0)
        {
            var failure = result.Failures[0];
            var message = $"'{failure.Path}' {failure.Reason}";
            throw failure.Exception is IOException and not FileNotFoundException and not DirectoryNotFoundException || failure.Exception is UnauthorizedAccessException
                ? new IOException(message, failure.Exception)
                : new InvalidDataException(message, failure.Exception);
        }

        return result.Documents;
    }

    /// <summary>
    /// Reads every <c>*.md</c>, <c>*.markdown</c> and <c>*.txt</c> file under a folder, recursively, in ordinal path order, deciding
    /// per file: the documents of the good files, and each file that gave none by name with the reason (not valid UTF-8, over the
    /// size limit, empty or not a regular file, malformed front matter, vanished, unreadable).
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="options">The size limit and the tenant; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The documents and the failures.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException"><see cref="KnowledgeLoaderOptions.MaxFileBytes"/> is less than 1 or more than 1 GiB (the message names the key).</exception>
    public static async Task<KnowledgeLoadResult> ReadDirectoryAsync(string directory, KnowledgeLoaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new KnowledgeLoaderOptions();
        OptionsValidation.ThrowIfInvalid(new KnowledgeLoaderOptionsValidator(), options);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The documents folder '{directory}' does not exist.");
        }

        var failures = new List<KnowledgeLoadFailure>();
        var rootReal = KnowledgeFiles.RootRealPath(root);
        var files = KnowledgeFiles.Walk(root, options.FollowSymbolicLinks, failures, cancellationToken);
        var documents = new List<KnowledgeDocument>(files.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (relative, full, real) in files.OrderBy(f => f.Relative, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!seen.Add(real))
            {
                // Another path (a symbolic link, or a path through a linked folder) already gave this file its document.
                continue;
            }

            var id = relative[..^Path.GetExtension(relative).Length];
            try
            {
                var text = await KnowledgeFiles.ReadTextAsync(real, rootReal, options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
                var document = Parse(id, text, relative, options.TenantId);
                KnowledgeText.CheckDocument(document, "text");
                documents.Add(document);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DecoderFallbackException or ArgumentException)
            {
                failures.Add(new KnowledgeLoadFailure { Path = relative, DocumentId = id, Reason = Reason(e), Exception = e });
            }
        }

        return new KnowledgeLoadResult
        {
            Documents = documents,
            Failures = [.. failures.OrderBy(f => f.Path, StringComparer.Ordinal)],
        };
    }

    private static string Reason(Exception e) => e switch
    {
        DecoderFallbackException => "is not valid UTF-8 text.",
        FileNotFoundException or DirectoryNotFoundException => "vanished while the folder was read.",
        UnauthorizedAccessException => "cannot be read: permission denied.",
        InvalidDataException => e.Message,
        ArgumentException a => "gives no storable document: " + a.Message.Split(" (Parameter", 2)[0],
        _ => "cannot be read: " + e.Message,
    };

    /// <summary>Parses one document's text: YAML front matter (see <see cref="KnowledgeDocumentLoader"/>), title and body.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="text">The file text.</param>
    /// <param name="sourceUri">Where it came from.</param>
    /// <param name="tenantId">The tenant, if any.</param>
    /// <returns>The document.</returns>
    /// <exception cref="InvalidDataException">The front matter is not closed, is not valid YAML, or holds what metadata cannot (an alias, a list of lists, maps nested too deep, a key twice); the message names the file and line.</exception>
    public static KnowledgeDocument Parse(string id, string text, string? sourceUri = null, string? tenantId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var front = FrontMatter.Read(lines, sourceUri ?? id);
        var body = string.Join('\n', lines.Skip(front.BodyStart)).Trim();
        var title = string.IsNullOrWhiteSpace(front.Title)
            ? lines.Skip(front.BodyStart).FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim()
            : front.Title;
        if (string.IsNullOrWhiteSpace(title))
        {
            title = Path.GetFileName(id);
        }

        return new KnowledgeDocument(id, title, body)
        {
            Metadata = front.Metadata,
            MultiValuedMetadata = front.MultiValued,
            SourceUri = sourceUri,
            TenantId = tenantId,
        };
    }
}
