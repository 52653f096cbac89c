using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary>Where a command's knowledge comes from: a folder loaded into the in-memory knowledge base (<c>--docs</c>).</summary>
internal sealed class KnowledgeSourceOptions
{
    private readonly Option<DirectoryInfo> _docs = CommonOptions.Docs();

    public void AddTo(Command command) => command.Options.Add(_docs);

    /// <summary>Registers the knowledge base the options choose.</summary>
    public static void Register(HybridAnsweringBuilder builder, ParseResult parse) => _ = (builder, parse);

    /// <summary>Makes the knowledge base ready to answer: loads the folder into the in-memory store.</summary>
    public async Task PrepareAsync(IServiceProvider services, ParseResult parse, CancellationToken cancellationToken)
    {
        var documents = await CommonOptions.LoadDocumentsAsync(parse.GetValue(_docs)!, cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<IKnowledgeBase>().UpsertAsync(documents, cancellationToken).ConfigureAwait(false);
    }
}
