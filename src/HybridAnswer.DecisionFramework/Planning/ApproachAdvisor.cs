using System.Globalization;
using HybridAnswer.FineTuning;

namespace HybridAnswer.Planning;

/// <summary>
/// The decision framework's checklist as code: RAG when knowledge changes, citations matter, good examples are few or the
/// deadline is close; fine-tuning for style, format and specialised tasks on stable knowledge; hybrid for brand voice (or a
/// specialised task) plus fresh knowledge. Starts with RAG when nothing argues otherwise.
/// </summary>
public static class ApproachAdvisor
{
    /// <summary>The fewest quality examples to fine-tune well.</summary>
    public const int MinimumExamplesForFineTuning = FineTuningValidationOptions.DefaultRecommendedExamples;

    /// <summary>Recommends an approach for a checklist.</summary>
    /// <param name="checklist">What the team knows about its use case.</param>
    /// <returns>The recommendation, its reasons and notes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The number of examples is negative.</exception>
    public static Recommendation Recommend(AdvisorChecklist checklist)
    {
        ArgumentNullException.ThrowIfNull(checklist);
        if (checklist.QualityExamples is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(checklist));
        }

        var reasons = new List<string>();
        var notes = new List<string>();
        var dynamicKnowledge = checklist.KnowledgeChangesWeekly || checklist.NeedsCitations;
        var wantsTuning = checklist.BrandVoiceCritical || checklist.SpecializedTask;

        // What argues for retrieval, stated whatever the outcome: these facts stay true.
        if (checklist.KnowledgeChangesWeekly)
        {
            reasons.Add("Knowledge changes weekly or more: retrieval serves today's documents, while facts baked into weights go stale until the next training run.");
        }

        if (checklist.NeedsCitations)
        {
            reasons.Add("Answers must cite sources: only retrieval knows which passage an answer came from.");
        }

        // Blockers for fine-tuning come first: without them out of the way, tuning is not an option yet.
        var blocked = false;
        if (checklist.QualityExamples is { } examples && examples < MinimumExamplesForFineTuning)
        {
            blocked = true;
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"Only {examples} quality example(s): fine-tuning works well from about {MinimumExamplesForFineTuning}; below that, RAG with a good prompt does better."));
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Fine-tuning would need at least {MinimumExamplesForFineTuning - examples} more quality examples ({MinimumExamplesForFineTuning} in all): harvest approved answers from the RAG system ('finetune export') and validate them ('finetune validate')."));
        }

        if (checklist.DeployWithinWeek)
        {
            blocked = true;
            reasons.Add("Deploying within a week: RAG ships in days; fine-tuning needs data preparation, training runs and evaluation first.");
        }

        if (blocked)
        {
            if (wantsTuning)
            {
                notes.Add(checklist.BrandVoiceCritical
                    ? "Brand voice matters: put it in the system prompt now, and revisit fine-tuning (hybrid, if knowledge keeps changing) once the blockers above are gone."
                    : "The task is specialised: revisit fine-tuning (hybrid, if knowledge keeps changing) once the blockers above are gone.");
            }

            return new Recommendation { Mode = AnswerMode.Rag, Reasons = reasons, Notes = notes };
        }

        if (wantsTuning)
        {
            if (checklist.BrandVoiceCritical)
            {
                reasons.Add("Brand voice is critical: fine-tuning teaches tone and format more reliably than a prompt.");
            }

            if (checklist.SpecializedTask)
            {
                reasons.Add("The task is highly specialised: fine-tuning teaches the behaviour the base model lacks.");
            }

            AddExamplesCaveat(checklist, notes);
            if (dynamicKnowledge)
            {
                reasons.Add("Both apply: the fine-tuned model supplies the voice, retrieval supplies current facts and citations — hybrid.");
                notes.Add("Train on style, not facts: keep knowledge-base facts out of the training answers ('finetune validate --knowledge' warns about them).");
                notes.Add("Hybrid costs the most (retrieval + fine-tuned generation + training); see 'costs' for the figures at your volume.");
                return new Recommendation { Mode = AnswerMode.Hybrid, Reasons = reasons, Notes = notes };
            }

            reasons.Add("No fresh knowledge or citations are needed, so retrieval adds cost without benefit.");
            notes.Add("If the knowledge the answers need starts changing, move to hybrid rather than retraining for every change.");
            return new Recommendation { Mode = AnswerMode.FineTuned, Reasons = reasons, Notes = notes };
        }

        if (!dynamicKnowledge)
        {
            reasons.Add("Nothing argues for fine-tuning: start with RAG, the cheapest to build and to change.");
        }

        notes.Add("Fine-tuning becomes worth it for a critical brand voice or a specialised task, with 500+ quality examples.");
        return new Recommendation { Mode = AnswerMode.Rag, Reasons = reasons, Notes = notes };
    }

    private static void AddExamplesCaveat(AdvisorChecklist checklist, List<string> notes)
    {
        if (checklist.QualityExamples is null)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"This assumes at least {MinimumExamplesForFineTuning} quality training examples; with fewer, start with RAG."));
        }
    }
}
