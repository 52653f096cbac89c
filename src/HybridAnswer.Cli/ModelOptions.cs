using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary>Which models a command generates with. Without options, the embedded extractive generator.</summary>
internal sealed class ModelOptions
{
    private readonly Option<AnswerMode?> _mode = CommonOptions.Mode();

    public void AddTo(Command command) => command.Options.Add(_mode);

    /// <summary>Applies the chosen mode and models to the options and the service collection.</summary>
    public void Register(HybridAnsweringBuilder builder, ParseResult parse)
    {
        if (parse.GetValue(_mode) is { } mode)
        {
            builder.Services.Configure<HybridAnsweringOptions>(o =>
            {
                o.Mode = mode;
                if (mode != AnswerMode.Rag)
                {
                    // The embedded extractive generator has no fine-tuned twin; name it so the mode is usable offline.
                    o.FineTunedModel ??= ExtractiveGenerator.ModelId;
                }
            });
        }
    }
}
