using System.Globalization;

namespace ClosedLoop.Rig.Hil;

/// <summary>One line of the virtual device's state log: when its state or whether its outputs follow the host changed.</summary>
/// <param name="DeviceUs">The device's clock (CLOCK_MONOTONIC), microseconds.</param>
/// <param name="State">The device state (firmware-bridge's BP_DEVICE_STATE_*).</param>
/// <param name="Live">True when the outputs follow the host; false when every channel is at its safe value.</param>
/// <param name="Event">"start", "change" or "exit".</param>
/// <param name="DueUs">When the device's schedule asked for what the line records (the tick's due time; for an exit, when
/// the stop signal arrived): <see cref="DeviceUs"/> minus how late the device process ran. Null in a log without it.</param>
/// <param name="LastHostUs">The device's last good frame from the host (its host timeout counts from it); null in a log without it.</param>
public readonly record struct DeviceStateChange(long DeviceUs, int State, bool Live, string Event, long? DueUs = null, long? LastHostUs = null);

/// <summary>Reads the virtual device's own logs (<c>--state-log</c>, <c>--log</c>).</summary>
public static class HilDeviceLog
{
    /// <summary>The state log's lines (header and malformed lines skipped, counted in <paramref name="malformed"/>).</summary>
    public static List<DeviceStateChange> ParseStates(IEnumerable<string> lines, out int malformed)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var changes = new List<DeviceStateChange>();
        malformed = 0;
        foreach (string line in lines)
        {
            var c = line.Split(',');
            long due = 0, lastHost = 0;
            if ((c.Length == 4 || (c.Length == 6 && long.TryParse(c[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out due)
                    && long.TryParse(c[5], NumberStyles.Integer, CultureInfo.InvariantCulture, out lastHost)))
                && long.TryParse(c[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long us)
                && int.TryParse(c[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int state) && c[2] is "0" or "1")
            {
                changes.Add(c.Length == 6
                    ? new DeviceStateChange(us, state, c[2] == "1", c[3], due, lastHost)
                    : new DeviceStateChange(us, state, c[2] == "1", c[3]));
            }
            else if (!line.StartsWith("device_us,", StringComparison.Ordinal) && line.Length > 0)
            {
                malformed++;
            }
        }
        return changes;
    }

    /// <summary>Every state log of one run, in device-start order, merged into one time-ordered list (starts never overlap).</summary>
    public static List<DeviceStateChange> ReadStates(IEnumerable<string> paths)
    {
        var all = new List<DeviceStateChange>();
        foreach (string p in paths.Where(File.Exists))
        {
            all.AddRange(ParseStates(File.ReadAllLines(p), out _));
        }
        all.Sort((a, b) => a.DeviceUs.CompareTo(b.DeviceUs));
        return all;
    }

    /// <summary>One accepted Output frame as the device logged it (its --log): device time, step, host safety, values.</summary>
    public readonly record struct Frame(long DeviceUs, long Step, bool HostArmed, double[] Values);

    /// <summary>The frame log's lines (header skipped).</summary>
    public static IEnumerable<Frame> ParseFrames(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (string line in lines)
        {
            var c = line.Split(',');
            if (c.Length < 4 || !long.TryParse(c[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long us))
            {
                continue;
            }
            var values = new double[c.Length - 4];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = double.Parse(c[4 + i], CultureInfo.InvariantCulture);
            }
            yield return new Frame(us, long.Parse(c[1], CultureInfo.InvariantCulture), c[3] == "0", values);
        }
    }
}
