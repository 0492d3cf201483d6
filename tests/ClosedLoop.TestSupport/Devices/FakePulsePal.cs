namespace ClosedLoop.TestSupport.Devices;

/// <summary>
/// A Pulse Pal v2 as its USB serial protocol describes it (Sanworks' published host code): op-menu byte 213, then
/// 72 handshake (answers 75 + firmware uint32 LE), 74 program parameter (param, channel 1-4, value: uint16 DAC code
/// for voltages 2/3/17, uint32 50 us cycles for times 4-11, one byte otherwise; answers 1, or 0 for a value out of
/// range), 77 trigger (channel mask), 80 abort all, 98 stop (mask, firmware 22+), 81 disconnect. Written for tests
/// from the protocol, independent of the driver's codec. It records what its outputs would have done.
/// </summary>
public sealed class FakePulsePal : FakeDevice
{
    private readonly object _state = new();
    private readonly List<byte> _cmd = [];
    private readonly uint[,] _params = new uint[5, 18];
    private readonly bool[] _running = new bool[5];
    private readonly long[] _trainEnds = new long[5];
    private double _maxRunningVolts;
    private long _handshakes, _programs, _triggers, _stops, _disconnects, _unknown, _ackedPrograms;

    public FakePulsePal(string link, uint firmware = 21)
        : base(link)
    {
        Firmware = firmware;
        Reset();
        Start();
    }

    /// <summary>Firmware version the handshake reports.</summary>
    public uint Firmware { get; set; }

    /// <summary>While true op 74 gets no acknowledgement at all.</summary>
    public volatile bool NeverAcknowledge;

    /// <summary>While true op 74 is answered 0 (rejected).</summary>
    public volatile bool Reject;

    public long Handshakes { get { lock (_state) { return _handshakes; } } }
    public long Programs { get { lock (_state) { return _programs; } } }
    public long AcknowledgedPrograms { get { lock (_state) { return _ackedPrograms; } } }
    public long Triggers { get { lock (_state) { return _triggers; } } }
    public long Stops { get { lock (_state) { return _stops; } } }
    public long Disconnects { get { lock (_state) { return _disconnects; } } }

    /// <summary>Bytes that did not parse as a command of the protocol.</summary>
    public long Unknown { get { lock (_state) { return _unknown; } } }

    /// <summary>Largest |voltage| any channel could have put out while running a train, volts.</summary>
    public double MaxRunningVolts { get { lock (_state) { return _maxRunningVolts; } } }

    /// <summary>True while a triggered train plays (a train ends by itself after its pulse train duration).</summary>
    public bool Running(int channel) { lock (_state) { return _running[channel] && Environment.TickCount64 < _trainEnds[channel]; } }

    /// <summary>A parameter's device value (DAC code, cycles or byte).</summary>
    public uint Param(int channel, int code) { lock (_state) { return _params[channel, code]; } }

    /// <summary>A voltage parameter in volts.</summary>
    public double Volts(int channel, int code) => Param(channel, code) / 65535.0 * 20 - 10;

    protected override void OnReplug() => Reset();

    private void Reset()
    {
        lock (_state)
        {
            _cmd.Clear();
            for (int c = 1; c <= 4; c++)
            {
                _running[c] = false;
                // the published defaults: 5 V / -5 V / 0 V, 1 ms phases, 10 ms between pulses, 1 s trains, linked to trigger 1
                _params[c, 2] = Code(5);
                _params[c, 3] = Code(-5);
                _params[c, 17] = Code(0);
                _params[c, 4] = _params[c, 5] = _params[c, 6] = 20;
                _params[c, 7] = 200;
                _params[c, 10] = 20000;
                _params[c, 12] = 1;
            }
        }
    }

    private static uint Code(double v) => (uint)Math.Round((v + 10) / 20 * 65535);

    protected override void OnByte(byte b)
    {
        lock (_state)
        {
            _cmd.Add(b);
            if (_cmd[0] != 213)
            {
                _unknown++;
                _cmd.Clear();
                return;
            }
            if (_cmd.Count < 2)
            {
                return;
            }
            switch (_cmd[1])
            {
                case 72:
                    _handshakes++;
                    Send([75, (byte)Firmware, (byte)(Firmware >> 8), (byte)(Firmware >> 16), (byte)(Firmware >> 24)]);
                    _cmd.Clear();
                    break;
                case 74:
                    if (_cmd.Count < 3)
                    {
                        return;
                    }
                    int code = _cmd[2];
                    int valueBytes = code is 2 or 3 or 17 ? 2 : code is >= 4 and <= 11 ? 4 : 1;
                    if (_cmd.Count < 4 + valueBytes)
                    {
                        return;
                    }
                    Program(code, _cmd[3], valueBytes);
                    _cmd.Clear();
                    break;
                case 77:
                    if (_cmd.Count < 3)
                    {
                        return;
                    }
                    _triggers++;
                    for (int c = 1; c <= 4; c++)
                    {
                        if ((_cmd[2] & (1 << (c - 1))) != 0)
                        {
                            _running[c] = true;
                            _trainEnds[c] = Environment.TickCount64 + _params[c, 10] * 50 / 1000; // 50 us cycles
                        }
                    }
                    Observe();
                    _cmd.Clear();
                    break;
                case 80:
                    _stops++;
                    Array.Clear(_running);
                    _cmd.Clear();
                    break;
                case 98:
                    if (_cmd.Count < 3)
                    {
                        return;
                    }
                    if (Firmware < 22)
                    {
                        _unknown++;
                    }
                    _stops++;
                    for (int c = 1; c <= 4; c++)
                    {
                        if ((_cmd[2] & (1 << (c - 1))) != 0)
                        {
                            _running[c] = false;
                        }
                    }
                    _cmd.Clear();
                    break;
                case 81:
                    _disconnects++;
                    _cmd.Clear();
                    break;
                default:
                    _unknown++;
                    _cmd.Clear();
                    break;
            }
        }
    }

    private void Program(int code, int channel, int valueBytes)
    {
        _programs++;
        if (NeverAcknowledge)
        {
            return;
        }
        uint value = 0;
        for (int i = 0; i < valueBytes; i++)
        {
            value |= (uint)_cmd[4 + i] << (8 * i);
        }
        bool ok = !Reject && channel is >= 1 and <= 4 && code is >= 1 and <= 17
            && (code is not (1 or 12 or 13 or 15 or 16) || value <= 1);
        if (ok)
        {
            _params[channel, code] = value;
            _ackedPrograms++;
            Observe();
        }
        Send([ok ? (byte)1 : (byte)0]);
    }

    // What a running channel puts out: phase 1, and phase 2 when biphasic.
    private void Observe()
    {
        for (int c = 1; c <= 4; c++)
        {
            if (!_running[c])
            {
                continue;
            }
            double v1 = Math.Abs(_params[c, 2] / 65535.0 * 20 - 10);
            double v2 = _params[c, 1] == 1 ? Math.Abs(_params[c, 3] / 65535.0 * 20 - 10) : 0;
            _maxRunningVolts = Math.Max(_maxRunningVolts, Math.Max(v1, v2));
        }
    }
}
