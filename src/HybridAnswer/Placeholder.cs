namespace HybridAnswer; internal static class Placeholder {}
