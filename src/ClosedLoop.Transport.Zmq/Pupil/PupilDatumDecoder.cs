using System.Globalization;
using System.Text;
using MessagePack;

namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>
/// Decodes a Pupil Core pupil message (topic frame + msgpack map) into a <see cref="PupilDatum"/>. Maps are
/// read untyped; numbers arrive as whatever CLR type the packer chose (byte for a small int, float for a
/// single, double...), so each is converted, never cast. Every failure returns false with a reason.
/// </summary>
public static class PupilDatumDecoder
{
    private static readonly MessagePackSerializerOptions s_options =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>Decode <paramref name="payload"/>; <paramref name="use3d"/> picks diameter_3d (mm) over diameter (px).</summary>
    public static bool TryDecode(string topic, ReadOnlyMemory<byte> payload, bool use3d, out PupilDatum datum, out string? error)
    {
        datum = default;
        object? root;
        try
        {
            root = MessagePackSerializer.Deserialize<object>(payload, s_options);
        }
        catch (MessagePackSerializationException ex)
        {
            error = $"{topic}: undecodable msgpack ({payload.Length} bytes): {ex.InnerException?.Message ?? ex.Message}";
            return false;
        }
        if (root is not IDictionary<object, object> map)
        {
            error = $"{topic}: payload is {root?.GetType().Name ?? "nil"}, expected a map";
            return false;
        }
        string diameterKey = use3d ? "diameter_3d" : "diameter";
        if (!TryNumber(map, "timestamp", out double time, out error)
            || !TryNumber(map, "confidence", out double confidence, out error))
        {
            error = $"{topic}: {error}";
            return false;
        }
        double diameter;
        if (confidence == 0 && !map.ContainsKey(diameterKey))
        {
            // pye3d's fallback datum (no 3D model fit for this frame): confidence 0 and no diameter_3d. A gap, not an error.
            diameter = 0;
        }
        else if (!TryNumber(map, diameterKey, out diameter, out error))
        {
            error = $"{topic}: {error}";
            return false;
        }
        int eye;
        if (map.TryGetValue("id", out object? id) && TryConvert(id, out double idValue))
        {
            eye = (int)idValue;
        }
        else if (!TryEyeFromTopic(topic, out eye))
        {
            error = $"{topic}: no eye id in the datum or the topic";
            return false;
        }
        if (eye is < 0 or > byte.MaxValue)
        {
            error = $"{topic}: eye id {eye} out of range";
            return false;
        }
        datum = new PupilDatum(eye, time, confidence, diameter);
        error = null;
        return true;
    }

    /// <summary>
    /// Decode one small datum so MessagePack's resolvers are built and the path is jitted before live data
    /// arrives (the first decode otherwise takes hundreds of milliseconds while datums queue up).
    /// </summary>
    public static void WarmUp()
    {
        var map = new Dictionary<object, object> { ["id"] = 0, ["timestamp"] = 0.0, ["confidence"] = 1.0f, ["diameter_3d"] = 3.0, ["diameter"] = 30 };
        byte[] bytes = MessagePackSerializer.Serialize<object>(map, s_options);
        TryDecode("pupil.0.3d", bytes, use3d: true, out _, out _);
    }

    /// <summary>Convert a decoded msgpack number of any CLR numeric type to double.</summary>
    public static bool TryConvert(object? value, out double result)
    {
        switch (value)
        {
            case double d: result = d; return true;
            case float f: result = f; return true;
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                result = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return true;
            default:
                result = double.NaN;
                return false;
        }
    }

    private static bool TryNumber(IDictionary<object, object> map, string key, out double value, out string? error)
    {
        if (!map.TryGetValue(key, out object? raw))
        {
            value = double.NaN;
            error = $"key '{key}' missing";
            return false;
        }
        if (!TryConvert(raw, out value))
        {
            error = $"key '{key}' is {raw?.GetType().Name ?? "nil"}, expected a number";
            return false;
        }
        error = null;
        return true;
    }

    private static bool TryEyeFromTopic(string topic, out int eye)
    {
        // "pupil.<eye>.<2d|3d>"
        var parts = topic.Split('.');
        eye = -1;
        return parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out eye);
    }

    /// <summary>UTF-8 topic frame to string (invalid bytes become U+FFFD; a bad topic still fails on content).</summary>
    public static string Topic(byte[] buffer, int length) => Encoding.UTF8.GetString(buffer, 0, length);
}
