namespace ClosedLoop.Bridge.Framing;

/// <summary>
/// Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999): encoded bytes contain no zero, so a zero byte
/// delimits frames. n bytes encode to at most n + n / 254 + 1 bytes.
/// </summary>
public static class Cobs
{
    /// <summary>Largest encoded size of <paramref name="length"/> bytes (no delimiter).</summary>
    public static int MaxEncodedLength(int length) => length + length / 254 + 1;

    /// <summary>Encode <paramref name="source"/> into <paramref name="destination"/>; returns the encoded length (no delimiter).</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int output = 1, codeAt = 0;
        byte code = 1;
        foreach (byte b in source)
        {
            if (b == 0)
            {
                destination[codeAt] = code;
                codeAt = output++;
                code = 1;
                continue;
            }
            destination[output++] = b;
            if (++code == 0xFF)
            {
                destination[codeAt] = code;
                codeAt = output++;
                code = 1;
            }
        }
        destination[codeAt] = code;
        return output;
    }

    /// <summary>
    /// Decode <paramref name="source"/> (no delimiter) into <paramref name="destination"/>. False if the source holds
    /// a zero, a code runs past its end, or the output does not fit.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        int input = 0, output = 0;
        written = 0;
        while (input < source.Length)
        {
            byte code = source[input++];
            if (code == 0)
            {
                return false;
            }
            for (int i = 1; i < code; i++)
            {
                if (input >= source.Length || source[input] == 0 || output >= destination.Length)
                {
                    return false;
                }
                destination[output++] = source[input++];
            }
            if (code != 0xFF && input < source.Length)
            {
                if (output >= destination.Length)
                {
                    return false;
                }
                destination[output++] = 0;
            }
        }
        written = output;
        return true;
    }
}
