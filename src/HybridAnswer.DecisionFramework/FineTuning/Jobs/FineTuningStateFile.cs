using System.Text.Json;

namespace HybridAnswer.FineTuning;

/// <summary>
/// The runner's memory on disk: uploaded file ids by (endpoint, file hash) and job ids by (endpoint, file hash, request).
/// Written whole to a temporary file and moved over the old one, so an interrupted run never leaves half a file.
/// </summary>
internal sealed class FineTuningStateFile
{
    private readonly string? _path;

    public FineTuningStateFile(string? path) => _path = path;

    public Dictionary<string, string> Uploads { get; private set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Jobs { get; private set; } = new(StringComparer.Ordinal);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_path is null || !File.Exists(_path))
        {
            return;
        }

        await using var stream = File.OpenRead(_path);
        try
        {
            var state = await JsonSerializer.DeserializeAsync<Stored>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            Uploads = new(state?.Uploads ?? [], StringComparer.Ordinal);
            Jobs = new(state?.Jobs ?? [], StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The fine-tuning state file '{_path}' is not valid JSON ({e.Message}); delete it to start afresh.", e);
        }
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            return;
        }

        var temporary = _path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, new Stored { Uploads = Uploads, Jobs = Jobs }, new JsonSerializerOptions { WriteIndented = true }, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, _path, overwrite: true);
    }

    private sealed class Stored
    {
        public Dictionary<string, string>? Uploads { get; init; }

        public Dictionary<string, string>? Jobs { get; init; }
    }
}
