using System.Globalization;
using System.Text;

namespace HybridAnswer.Cli;

/// <summary>
/// Filters streamed answer text so that it shows only what the finished answer keeps: a citation marker <c>[n]</c> whose number
/// points at no source (the finished answer drops it, <c>Answer.InvalidCitationMarkers</c>) is held back until it is complete and
/// then dropped, or reduced to its valid numbers (<c>[1, 99]</c> → <c>[1]</c>), with the space it leaves behind collapsed the same
/// way. Only ASCII digits in ASCII brackets are markers, as for the finished answer.
/// </summary>
internal sealed class StreamedCitations(int sourceCount)
{
    // The longest text a marker can be: "[" + up to a few numbers of 3 digits with commas and spaces + "]".
    private const int MaxMarkerLength = 32;

    private readonly StringBuilder _pending = new();
    private bool _dropped;

    /// <summary>Takes the next piece of streamed text and returns what can be shown now.</summary>
    public string Push(string text)
    {
        _pending.Append(text);
        var output = new StringBuilder();
        var pending = _pending.ToString();
        _pending.Clear();
        var i = 0;
        while (i < pending.Length)
        {
            var c = pending[i];
            if (c == '[')
            {
                var close = pending.IndexOf(']', i);
                var candidate = close < 0 ? pending[i..] : pending[i..(close + 1)];
                if (close < 0 && candidate.Length <= MaxMarkerLength && IsMarkerPrefix(candidate.AsSpan(1)))
                {
                    // Maybe a marker whose end has not streamed yet: wait for it.
                    _pending.Append(candidate);
                    return HoldBackTrailingSpaces(output);
                }

                if (close >= 0 && TryMarker(candidate, out var kept))
                {
                    _dropped = kept.Length == 0;
                    if (!_dropped)
                    {
                        output.Append(kept);
                    }

                    i = close + 1;
                    continue;
                }
            }

            if (c is ' ' or '\t')
            {
                // "text [99] more" → "text more": one space, not two (a space held back from the last piece counts).
                if (!(_dropped && EndsWithSpace(output)))
                {
                    output.Append(c);
                }

                i++;
                continue;
            }

            if (_dropped && c is '.' or ',' or ';' or ':' or '!' or '?')
            {
                // "days [99]." → "days.": the space before the dropped marker goes too.
                TrimEndSpaces(output);
            }

            _dropped = false;
            output.Append(c);
            i++;
        }

        return HoldBackTrailingSpaces(output);
    }

    /// <summary>Returns what is still held back at the end of the stream (text that only looked like the start of a marker).</summary>
    public string Flush()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return rest;
    }

    private static bool IsMarkerPrefix(ReadOnlySpan<char> inside)
    {
        foreach (var c in inside)
        {
            if (c is not ((>= '0' and <= '9') or ',' or ' ' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryMarker(string candidate, out string kept)
    {
        kept = candidate;
        var parts = candidate[1..^1].Split(',');
        var numbers = new List<string>();
        foreach (var part in parts)
        {
            var digits = part.Trim(' ', '\t');
            if (digits.Length is 0 or > 3 || !digits.All(char.IsAsciiDigit))
            {
                return false;
            }

            var number = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            if (number >= 1 && number <= sourceCount)
            {
                numbers.Add(digits);
            }
        }

        kept = numbers.Count == parts.Length ? candidate : numbers.Count == 0 ? string.Empty : "[" + string.Join(", ", numbers) + "]";
        return true;
    }

    // Spaces at the end are shown with the next piece: a marker right after them may be dropped, and they with it.
    private string HoldBackTrailingSpaces(StringBuilder output)
    {
        var end = output.Length;
        while (end > 0 && output[end - 1] is ' ' or '\t')
        {
            end--;
        }

        _pending.Insert(0, output.ToString(end, output.Length - end));
        output.Length = end;
        return output.ToString();
    }

    private static bool EndsWithSpace(StringBuilder text) => text.Length > 0 && text[text.Length - 1] is ' ' or '\t';

    private static void TrimEndSpaces(StringBuilder text)
    {
        while (EndsWithSpace(text))
        {
            text.Length--;
        }
    }
}
