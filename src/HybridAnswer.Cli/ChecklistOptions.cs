using System.CommandLine;
using HybridAnswer.Planning;

namespace HybridAnswer.Cli;

/// <summary>
/// The decision framework's checklist as options (the names <c>advise</c> uses), for <c>compare</c> to report the checklist's
/// verdict beside the measured one. None given: no checklist verdict.
/// </summary>
internal sealed class ChecklistOptions
{
    private readonly Option<bool> _changes = new("--knowledge-changes-weekly") { Description = "Checklist: the knowledge changes weekly or more often." };
    private readonly Option<bool> _citations = new("--needs-citations") { Description = "Checklist: answers must cite their sources." };
    private readonly Option<bool> _brand = new("--brand-voice") { Description = "Checklist: a consistent brand voice is critical." };
    private readonly Option<bool> _deploy = new("--deploy-within-week") { Description = "Checklist: it must ship within a week." };
    private readonly Option<bool> _specialized = new("--specialized-task") { Description = "Checklist: the task is highly specialised." };
    private readonly Option<int?> _examples = NumberOption.CreateOptional("--examples", "Checklist: how many quality training examples you have.", 0, int.MaxValue);

    public void AddTo(Command command)
    {
        command.Options.Add(_changes);
        command.Options.Add(_citations);
        command.Options.Add(_brand);
        command.Options.Add(_deploy);
        command.Options.Add(_specialized);
        command.Options.Add(_examples);
    }

    /// <summary>The checklist, or <see langword="null"/> when no checklist option was given.</summary>
    public AdvisorChecklist? Get(ParseResult parse)
    {
        var any = parse.GetValue(_changes) || parse.GetValue(_citations) || parse.GetValue(_brand) || parse.GetValue(_deploy) || parse.GetValue(_specialized) || parse.GetValue(_examples) is not null;
        return !any ? null : new AdvisorChecklist
        {
            KnowledgeChangesWeekly = parse.GetValue(_changes),
            NeedsCitations = parse.GetValue(_citations),
            BrandVoiceCritical = parse.GetValue(_brand),
            DeployWithinWeek = parse.GetValue(_deploy),
            SpecializedTask = parse.GetValue(_specialized),
            QualityExamples = parse.GetValue(_examples),
        };
    }
}
