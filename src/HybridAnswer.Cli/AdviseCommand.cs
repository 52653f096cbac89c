using System.CommandLine;
using System.Globalization;
using HybridAnswer.Planning;

namespace HybridAnswer.Cli;

/// <summary><c>advise</c>: the decision framework's checklist → RAG, fine-tuning or hybrid, with the reasons.</summary>
internal static class AdviseCommand
{
    public static Command Create(TextWriter output)
    {
        var changes = new Option<bool>("--knowledge-changes-weekly") { Description = "The knowledge changes weekly or more often." };
        var citations = new Option<bool>("--needs-citations") { Description = "Answers must cite their sources." };
        var brand = new Option<bool>("--brand-voice") { Description = "A consistent brand voice is critical." };
        var deploy = new Option<bool>("--deploy-within-week") { Description = "It must ship within a week." };
        var specialized = new Option<bool>("--specialized-task") { Description = "The task is highly specialised (format, classification, domain reasoning)." };
        var examples = NumberOption.CreateOptional("--examples", "How many quality training examples you have.", 0, int.MaxValue);
        var json = CommonOptions.Json();

        var command = new Command("advise", "Recommend RAG, fine-tuning or hybrid from the decision framework's checklist, with reasons.")
        {
            changes, citations, brand, deploy, specialized, examples, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var checklist = new AdvisorChecklist
            {
                KnowledgeChangesWeekly = parse.GetValue(changes),
                NeedsCitations = parse.GetValue(citations),
                BrandVoiceCritical = parse.GetValue(brand),
                DeployWithinWeek = parse.GetValue(deploy),
                SpecializedTask = parse.GetValue(specialized),
                QualityExamples = parse.GetValue(examples),
            };
            var recommendation = ApproachAdvisor.Recommend(checklist);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(new
                {
                    recommendation = ApproachName(recommendation.Mode),
                    mode = recommendation.Mode.ToString(),
                    reasons = recommendation.Reasons,
                    notes = recommendation.Notes,
                    checklist = new
                    {
                        knowledgeChangesWeekly = checklist.KnowledgeChangesWeekly,
                        needsCitations = checklist.NeedsCitations,
                        brandVoice = checklist.BrandVoiceCritical,
                        deployWithinWeek = checklist.DeployWithinWeek,
                        specializedTask = checklist.SpecializedTask,
                        examples = checklist.QualityExamples,
                    },
                })).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Recommendation: {ApproachName(recommendation.Mode)} (answer mode: {recommendation.Mode})")).ConfigureAwait(false);
            await output.WriteLineAsync("Why:").ConfigureAwait(false);
            foreach (var reason in recommendation.Reasons)
            {
                await output.WriteLineAsync("  - " + reason).ConfigureAwait(false);
            }

            if (recommendation.Notes.Count > 0)
            {
                await output.WriteLineAsync("Notes:").ConfigureAwait(false);
                foreach (var note in recommendation.Notes)
                {
                    await output.WriteLineAsync("  - " + note).ConfigureAwait(false);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            return ExitCodes.Success;
        });
        return command;
    }

    // The decision framework names the approaches RAG, fine-tuning and hybrid; the library has one enum for them (the answer mode).
    private static string ApproachName(AnswerMode mode) => mode == AnswerMode.FineTuned ? "FineTuning" : mode.ToString();
}
