using System.Globalization;
using System.Text;

namespace ClosedLoop.TestSupport.Devices;

/// <summary>A microcontroller reading the generic serial sink's lines ($CL1,step,safety,values*HH), written from
/// the documented format: it checks every checksum and keeps the parsed lines.</summary>
public sealed class SerialLineReceiver : FakeDevice
{
    private readonly object _state = new();
    private readonly StringBuilder _current = new();
    private readonly List<(long Step, int Safety, double[] Values, long Ticks)> _lines = [];
    private long _bad;

    public SerialLineReceiver(string link)
        : base(link) => Start();

    /// <summary>Lines with a wrong checksum or shape.</summary>
    public long Bad { get { lock (_state) { return _bad; } } }

    public IReadOnlyList<(long Step, int Safety, double[] Values, long Ticks)> Lines
    {
        get { lock (_state) { return _lines.ToArray(); } }
    }

    /// <summary>Send one line back to the host (a microcontroller that also streams samples or its digital lines):
    /// <paramref name="body"/> between <c>$</c> and <c>*</c>, checksummed like the host's lines unless
    /// <paramref name="corruptChecksum"/>.</summary>
    public void SendLine(string body, bool corruptChecksum = false)
    {
        int sum = 0;
        foreach (char c in body)
        {
            sum ^= c;
        }
        if (corruptChecksum)
        {
            sum ^= 0x5A;
        }
        Send(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"${body}*{sum:X2}\n")));
    }

    protected override void OnReplug()
    {
        lock (_state)
        {
            _current.Clear(); // a line cut by the unplug is not a line
        }
    }

    protected override void OnByte(byte b)
    {
        lock (_state)
        {
            if (b != '\n')
            {
                _current.Append((char)b);
                return;
            }
            string line = _current.ToString();
            _current.Clear();
            int star = line.LastIndexOf('*');
            if (!line.StartsWith("$CL1,", StringComparison.Ordinal) || star < 0 || star + 3 != line.Length)
            {
                _bad++;
                return;
            }
            int sum = 0;
            foreach (char c in line.AsSpan(1, star - 1))
            {
                sum ^= c;
            }
            if (sum != int.Parse(line.AsSpan(star + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            {
                _bad++;
                return;
            }
            var fields = line[5..star].Split(',');
            _lines.Add((long.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture),
                fields[2..].Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray(), Environment.TickCount64));
        }
    }
}
