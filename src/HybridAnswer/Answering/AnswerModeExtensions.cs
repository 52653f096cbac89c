namespace HybridAnswer;

/// <summary>The one place that says what a mode implies, so the answerer, the prompt and the cost agree.</summary>
internal static class AnswerModeExtensions
{
    extension(AnswerMode mode)
    {
        /// <summary>Gets whether the mode consults the knowledge base (and grounds the prompt in sources): every mode but <see cref="AnswerMode.FineTuned"/>.</summary>
        public bool Retrieves => mode != AnswerMode.FineTuned;
    }
}
