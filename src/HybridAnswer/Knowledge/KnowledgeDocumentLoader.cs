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
/// are skipped.
/// </remarks>
public static class KnowledgeDocumentLoader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The most symbolic links followed while resolving one path (as Linux's MAXSYMLINKS): a longer chain is a loop.
    private const int MaxLinks = 40;

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
    /// <exception cref="ArgumentOutOfRangeException"><see cref="KnowledgeLoaderOptions.MaxFileBytes"/> is less than 1 or more than <see cref="KnowledgeLoaderOptions.MaxMaxFileBytes"/>.</exception>
    public static async Task<KnowledgeLoadResult> ReadDirectoryAsync(string directory, KnowledgeLoaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new KnowledgeLoaderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFileBytes, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxFileBytes, KnowledgeLoaderOptions.MaxMaxFileBytes, nameof(options));
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The documents folder '{directory}' does not exist.");
        }

        var failures = new List<KnowledgeLoadFailure>();
        var files = Walk(root, failures, cancellationToken);
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
                var text = await ReadTextAsync(real, options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The candidate files under the root: relative path, path, and real path (all links resolved).</summary>
    private static List<(string Relative, string Full, string Real)> Walk(string root, List<KnowledgeLoadFailure> failures, CancellationToken cancellationToken)
    {
        var files = new List<(string, string, string)>();
        var rootReal = RealPath(root) ?? root;
        var visited = new HashSet<string>(StringComparer.Ordinal) { rootReal };
        var pending = new Stack<(DirectoryInfo Directory, string Relative, string Real)>();
        pending.Push((new DirectoryInfo(root), string.Empty, rootReal));
        var enumeration = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        while (pending.TryPop(out var folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<FileSystemInfo> entries;
            try
            {
                entries = [.. folder.Directory.EnumerateFileSystemInfos("*", enumeration).OrderByDescending(e => e.Name, StringComparer.Ordinal)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add(new KnowledgeLoadFailure { Path = folder.Relative.Length == 0 ? "." : folder.Relative, Reason = "is a folder that cannot be read: " + e.Message, Exception = e });
                continue;
            }

            foreach (var entry in entries)
            {
                var relative = folder.Relative + entry.Name;
                var isLink = entry.LinkTarget is not null;
                var real = isLink ? RealPath(entry.FullName) : Path.Combine(folder.Real, entry.Name);
                if (entry is DirectoryInfo directory)
                {
                    // A folder reached twice (a link to an ancestor, or two links to one folder) is walked once.
                    if (real is not null && visited.Add(real))
                    {
                        pending.Push((directory, relative + "/", real));
                    }

                    continue;
                }

                if (Path.GetExtension(entry.Name).ToUpperInvariant() is not (".MD" or ".MARKDOWN" or ".TXT"))
                {
                    continue;
                }

                if (real is null)
                {
                    failures.Add(new KnowledgeLoadFailure { Path = relative, DocumentId = relative[..^Path.GetExtension(relative).Length], Reason = "is a symbolic link that leads nowhere (missing target, or a loop)." });
                    continue;
                }

                files.Add((relative, entry.FullName, real));
            }
        }

        return files;
    }

    /// <summary>Resolves every symbolic link of a path (as realpath(3)); <see langword="null"/> for a loop or a broken link.</summary>
    private static string? RealPath(string path)
    {
        var links = 0;
        var full = Path.GetFullPath(path);
        while (true)
        {
            var root = Path.GetPathRoot(full) ?? string.Empty;
            var parts = full[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
            var current = root;
            string? restart = null;
            for (var i = 0; i < parts.Length && restart is null; i++)
            {
                var next = Path.Combine(current, parts[i]);
                string? target;
                try
                {
                    target = new FileInfo(next).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return null;
                }

                if (target is null)
                {
                    current = next;
                }
                else if (++links > MaxLinks)
                {
                    return null;
                }
                else
                {
                    restart = Path.GetFullPath(Path.Combine([Path.IsPathRooted(target) ? target : Path.Combine(current, target), .. parts[(i + 1)..]]));
                }
            }

            if (restart is null)
            {
                return File.Exists(current) || Directory.Exists(current) ? current : null;
            }

            full = restart;
        }
    }

    private static async Task<string> ReadTextAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException("The file vanished.", path);
        }

        // Never open what reports no size: a FIFO would block the open forever, a device (/dev/zero) never ends.
        if (info.Length == 0)
        {
            throw new InvalidDataException("is empty or not a regular file (a FIFO, socket or device is never opened).");
        }

        if (info.Length > maxBytes)
        {
            throw new InvalidDataException($"is {info.Length} bytes, over the limit of {maxBytes} (KnowledgeLoaderOptions.MaxFileBytes).");
        }

        var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0 });
        await using (stream.ConfigureAwait(false))
        {
            // The file may grow while it is read: never more than the limit.
            var buffer = new byte[(int)Math.Min(maxBytes + 1, info.Length + 4096)];
            var read = 0;
            while (true)
            {
                if (read == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        throw new InvalidDataException($"grew over the limit of {maxBytes} bytes while it was read (KnowledgeLoaderOptions.MaxFileBytes).");
                    }

                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                }

                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var bytes = buffer.AsSpan(0, read);
            return StrictUtf8.GetString(bytes.StartsWith(StrictUtf8BomBytes) ? bytes[3..] : bytes);
        }
    }

    private static ReadOnlySpan<byte> StrictUtf8BomBytes => [0xEF, 0xBB, 0xBF];

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
