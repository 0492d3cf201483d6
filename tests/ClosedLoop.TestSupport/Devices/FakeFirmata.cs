namespace ClosedLoop.TestSupport.Devices;

/// <summary>
/// A Firmata board as the protocol describes it (firmata/protocol: protocol.md, servos.md), written for tests
/// independently of the driver's codec: answers the firmware query (StandardFirmata 2.5) and the version request,
/// keeps pin modes (SET_PIN_MODE), servo pulse ranges (SERVO_CONFIG) and values (ANALOG_MESSAGE, EXTENDED_ANALOG),
/// and answers PIN_STATE_QUERY with mode and state. It records the largest value each pin was driven to per mode.
/// </summary>
public sealed class FakeFirmata : FakeDevice
{
    private readonly object _state = new();
    private readonly int[] _mode = new int[128];
    private readonly long[] _value = new long[128];
    private readonly long[] _maxValue = new long[128];
    private readonly long[] _minValue = new long[128];
    private readonly (int Min, int Max)[] _servo = new (int, int)[128];
    private readonly List<byte> _sysex = [];
    private bool _inSysex;
    private byte _command;
    private readonly List<byte> _data = [];
    private long _firmwareQueries, _stateQueries, _analogWrites, _unknown;
    private readonly byte[] _recent = new byte[48];
    private long _received;
    private readonly List<string> _unknownLog = [];

    public FakeFirmata(string link)
        : base(link)
    {
        Reset();
        Start();
    }

    /// <summary>While true, pin-state answers report a value one off (a board not doing what it was told).</summary>
    public volatile bool LieAboutState;

    /// <summary>While true, firmware queries go unanswered.</summary>
    public volatile bool Mute;

    /// <summary>Modes the board does not support on any pin (SET_PIN_MODE to them leaves the pin as it was).</summary>
    public int UnsupportedMode { get; set; } = -1;

    public long FirmwareQueries { get { lock (_state) { return _firmwareQueries; } } }
    public long StateQueries { get { lock (_state) { return _stateQueries; } } }
    public long AnalogWrites { get { lock (_state) { return _analogWrites; } } }
    public long Unknown { get { lock (_state) { return _unknown; } } }

    /// <summary>One line per message counted in <see cref="Unknown"/>: why, the message's bytes, the bytes received just
    /// before it (hex, oldest first) and its offset in everything received since the board started: what a failing test
    /// prints, so an unknown message is diagnosed from the failure alone.</summary>
    public IReadOnlyList<string> UnknownLog { get { lock (_state) { return [.. _unknownLog]; } } }

    private void CountUnknown(string why, ReadOnlySpan<byte> message)
    {
        _unknown++;
        int n = (int)Math.Min(_received, _recent.Length);
        var recent = new byte[n];
        for (int i = 0; i < n; i++)
        {
            recent[i] = _recent[(int)((_received - n + i) % _recent.Length)];
        }
        _unknownLog.Add($"{why}: [{Convert.ToHexString(message)}] at byte {_received}, after {_firmwareQueries} firmware queries, {_stateQueries} state queries, {_analogWrites} analog writes; last {n} bytes [{Convert.ToHexString(recent)}]");
    }
    public int PinMode(int pin) { lock (_state) { return _mode[pin]; } }
    public long Value(int pin) { lock (_state) { return _value[pin]; } }
    public long MaxValue(int pin) { lock (_state) { return _maxValue[pin]; } }
    public long MinValue(int pin) { lock (_state) { return _minValue[pin]; } }
    public (int Min, int Max) ServoRange(int pin) { lock (_state) { return _servo[pin]; } }

    protected override void OnReplug() => Reset();

    private void Reset()
    {
        lock (_state)
        {
            Array.Fill(_mode, 1); // OUTPUT after boot
            Array.Clear(_value);
            Array.Fill(_maxValue, long.MinValue);
            Array.Fill(_minValue, long.MaxValue);
            _inSysex = false;
            _data.Clear();
        }
    }

    protected override void OnByte(byte b)
    {
        lock (_state)
        {
            _recent[(int)(_received++ % _recent.Length)] = b;
            if (b == 0xF0)
            {
                _inSysex = true;
                _sysex.Clear();
                return;
            }
            if (_inSysex)
            {
                if (b == 0xF7)
                {
                    _inSysex = false;
                    Sysex([.. _sysex]);
                }
                else
                {
                    _sysex.Add(b);
                }
                return;
            }
            if (b >= 0x80)
            {
                _command = b;
                _data.Clear();
                if (b == 0xF9)
                {
                    Send([0xF9, 2, 5]);
                }
                else if (b == 0xFF)
                {
                    Reset();
                }
                else if ((b & 0xF0) != 0xE0 && b != 0xF4 && (b & 0xF0) != 0x90)
                {
                    CountUnknown("command byte", [b]);
                }
                return;
            }
            _data.Add(b);
            if ((_command & 0xF0) == 0xE0 && _data.Count == 2)
            {
                Write(_command & 0x0F, _data[0] | (_data[1] << 7), [_command, _data[0], _data[1]]);
                _data.Clear();
            }
            else if (_command == 0xF4 && _data.Count == 2)
            {
                if (_data[1] != UnsupportedMode)
                {
                    _mode[_data[0]] = _data[1];
                    _value[_data[0]] = 0;
                }
                _data.Clear();
            }
        }
    }

    private void Write(int pin, long value, ReadOnlySpan<byte> message)
    {
        _analogWrites++;
        if (_mode[pin] is not (3 or 4))
        {
            // an analog write to a pin that is neither PWM nor servo
            CountUnknown($"analog write {value} to pin {pin} in mode {_mode[pin]}", message);
            return;
        }
        _value[pin] = value;
        _maxValue[pin] = Math.Max(_maxValue[pin], value);
        _minValue[pin] = Math.Min(_minValue[pin], value);
    }

    private void Sysex(byte[] m)
    {
        if (m.Length == 0)
        {
            CountUnknown("empty sysex", [0xF0, 0xF7]);
            return;
        }
        switch (m[0])
        {
            case 0x79 when m.Length == 1:
                _firmwareQueries++;
                if (!Mute)
                {
                    var reply = new List<byte> { 0xF0, 0x79, 2, 5 };
                    foreach (char c in "StandardFirmata")
                    {
                        reply.Add((byte)(c & 0x7F));
                        reply.Add((byte)(c >> 7));
                    }
                    reply.Add(0xF7);
                    Send(reply.ToArray());
                }
                break;
            case 0x70 when m.Length == 6:
                _servo[m[1]] = (m[2] | (m[3] << 7), m[4] | (m[5] << 7));
                break;
            case 0x6F when m.Length >= 3:
                long v = 0;
                for (int i = 2; i < m.Length; i++)
                {
                    v |= (long)m[i] << (7 * (i - 2));
                }
                Write(m[1], v, [0xF0, .. m, 0xF7]);
                break;
            case 0x6D when m.Length == 2:
                _stateQueries++;
                int pin = m[1];
                long state = _value[pin] + (LieAboutState ? 1 : 0);
                var answer = new List<byte> { 0xF0, 0x6E, (byte)pin, (byte)_mode[pin] };
                do
                {
                    answer.Add((byte)(state & 0x7F));
                    state >>= 7;
                }
                while (state != 0);
                answer.Add(0xF7);
                Send(answer.ToArray());
                break;
            default:
                CountUnknown("sysex", [0xF0, .. m, 0xF7]);
                break;
        }
    }
}
