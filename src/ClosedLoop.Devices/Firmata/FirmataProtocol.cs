namespace ClosedLoop.Devices.Firmata;

/// <summary>Pin modes of SET_PIN_MODE this driver uses.</summary>
public enum FirmataPinMode : byte
{
    /// <summary>PWM output (mode 3): value = duty cycle in the board's PWM resolution.</summary>
    Pwm = 3,

    /// <summary>Servo output (mode 4): value = pulse width in us (values of 544 and more; the Arduino Servo library reads smaller values as degrees).</summary>
    Servo = 4,
}

/// <summary>
/// The Firmata messages this driver sends and reads (Firmata protocol 2.x, firmata/protocol: protocol.md and
/// servos.md). MIDI-style framing: a command byte has the top bit set, data bytes carry 7 bits each, numbers travel
/// least significant 7 bits first; sysex messages are START_SYSEX (0xF0), a feature id, 7-bit data, END_SYSEX (0xF7).
/// </summary>
public static class FirmataProtocol
{
    public const byte AnalogMessage = 0xE0;     // | pin (0-15), value bits 0-6, bits 7-13
    public const byte SetPinMode = 0xF4;        // pin, mode
    public const byte ReportVersion = 0xF9;     // major, minor
    public const byte StartSysex = 0xF0;
    public const byte EndSysex = 0xF7;
    public const byte ExtendedAnalog = 0x6F;    // sysex: pin, value in 7-bit groups
    public const byte PinStateQuery = 0x6D;     // sysex: pin
    public const byte PinStateResponse = 0x6E;  // sysex: pin, mode, state in 7-bit groups
    public const byte ServoConfig = 0x70;       // sysex: pin, min pulse (14 bits), max pulse (14 bits)
    public const byte ReportFirmware = 0x79;    // sysex: query (empty) / reply: major, minor, name as 7-bit pairs

    /// <summary>Smallest servo pulse the driver sends, us: the Arduino Servo library's write() takes smaller values as angles.</summary>
    public const int MinServoPulseUs = 544;

    /// <summary>Largest servo pulse the driver may be configured for, us (compiled ceiling).</summary>
    public const int MaxServoPulseUs = 2500;

    /// <summary>Write the firmware name and version query; returns its length.</summary>
    public static int EncodeFirmwareQuery(Span<byte> d)
    {
        d[0] = StartSysex;
        d[1] = ReportFirmware;
        d[2] = EndSysex;
        return 3;
    }

    /// <summary>Write SET_PIN_MODE; returns its length.</summary>
    public static int EncodeSetPinMode(Span<byte> d, byte pin, FirmataPinMode mode)
    {
        d[0] = SetPinMode;
        d[1] = Data(pin);
        d[2] = (byte)mode;
        return 3;
    }

    /// <summary>Write SERVO_CONFIG (pulse range in us, 14 bits each); returns its length.</summary>
    public static int EncodeServoConfig(Span<byte> d, byte pin, int minPulseUs, int maxPulseUs)
    {
        d[0] = StartSysex;
        d[1] = ServoConfig;
        d[2] = Data(pin);
        d[3] = (byte)(minPulseUs & 0x7F);
        d[4] = (byte)((minPulseUs >> 7) & 0x7F);
        d[5] = (byte)(maxPulseUs & 0x7F);
        d[6] = (byte)((maxPulseUs >> 7) & 0x7F);
        d[7] = EndSysex;
        return 8;
    }

    /// <summary>Write an analog (PWM or servo) value: ANALOG_MESSAGE for pins 0-15 and values below 2^14,
    /// EXTENDED_ANALOG otherwise; returns its length.</summary>
    public static int EncodeAnalogWrite(Span<byte> d, byte pin, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (pin <= 15 && value < 1 << 14)
        {
            d[0] = (byte)(AnalogMessage | pin);
            d[1] = (byte)(value & 0x7F);
            d[2] = (byte)((value >> 7) & 0x7F);
            return 3;
        }
        d[0] = StartSysex;
        d[1] = ExtendedAnalog;
        d[2] = Data(pin);
        int n = 3;
        do
        {
            d[n++] = (byte)(value & 0x7F);
            value >>= 7;
        }
        while (value != 0 || n < 5); // at least two value bytes
        d[n++] = EndSysex;
        return n;
    }

    /// <summary>Write PIN_STATE_QUERY; returns its length.</summary>
    public static int EncodePinStateQuery(Span<byte> d, byte pin)
    {
        d[0] = StartSysex;
        d[1] = PinStateQuery;
        d[2] = Data(pin);
        d[3] = EndSysex;
        return 4;
    }

    private static byte Data(byte pin) => pin <= 127 ? pin : throw new ArgumentOutOfRangeException(nameof(pin), $"pin {pin}: Firmata pins are 0-127");
}

/// <summary>What the board said, parsed from its byte stream one byte at a time (no allocation).</summary>
internal sealed class FirmataReader
{
    private readonly byte[] _sysex = new byte[256];
    private int _sysexLength = -1, _pending;
    private byte _command;
    private readonly byte[] _data = new byte[2];

    public int FirmwareMajor { get; private set; } = -1;
    public int FirmwareMinor { get; private set; } = -1;
    public string FirmwareName { get; private set; } = "";

    /// <summary>Firmware reports received.</summary>
    public long FirmwareReports { get; private set; }

    /// <summary>Sysex messages longer than the buffer, dropped.</summary>
    public long Overlong { get; private set; }

    /// <summary>Raised for every PIN_STATE_RESPONSE: pin, mode, state.</summary>
    public Action<int, int, long>? PinState { get; set; }

    /// <summary>Forget a partial message (a new connection).</summary>
    public void Reset()
    {
        _sysexLength = -1;
        _pending = 0;
    }

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            Feed(b);
        }
    }

    private void Feed(byte b)
    {
        if (b == FirmataProtocol.StartSysex)
        {
            _sysexLength = 0;
            return;
        }
        if (_sysexLength >= 0)
        {
            if (b == FirmataProtocol.EndSysex)
            {
                Sysex(_sysex.AsSpan(0, _sysexLength));
                _sysexLength = -1;
            }
            else if ((b & 0x80) != 0)
            {
                _sysexLength = -1; // a command inside sysex: the sysex was cut short
                Command(b);
            }
            else if (_sysexLength < _sysex.Length)
            {
                _sysex[_sysexLength++] = b;
            }
            else
            {
                Overlong++;
                _sysexLength = -1;
            }
            return;
        }
        if ((b & 0x80) != 0)
        {
            Command(b);
            return;
        }
        if (_pending > 0)
        {
            _data[2 - _pending] = b;
            if (--_pending == 0 && _command == FirmataProtocol.ReportVersion)
            {
                // protocol version (major, minor): informational
            }
        }
    }

    private void Command(byte b)
    {
        _command = (b & 0xF0) is 0xE0 or 0x90 ? (byte)(b & 0xF0) : b;
        _pending = _command is 0xE0 or 0x90 or FirmataProtocol.ReportVersion ? 2 : 0;
    }

    private void Sysex(ReadOnlySpan<byte> m)
    {
        if (m.IsEmpty)
        {
            return;
        }
        switch (m[0])
        {
            case FirmataProtocol.ReportFirmware when m.Length >= 3:
                FirmwareMajor = m[1];
                FirmwareMinor = m[2];
                Span<char> name = stackalloc char[(m.Length - 3) / 2];
                for (int i = 0; i < name.Length; i++)
                {
                    name[i] = (char)(m[3 + 2 * i] | (m[4 + 2 * i] << 7));
                }
                if (FirmwareName.Length != name.Length || !FirmwareName.AsSpan().SequenceEqual(name))
                {
                    FirmwareName = new string(name); // once per connection
                }
                FirmwareReports++;
                break;
            case FirmataProtocol.PinStateResponse when m.Length >= 3:
                long state = 0;
                for (int i = 3; i < m.Length && i < 3 + 9; i++)
                {
                    state |= (long)m[i] << (7 * (i - 3));
                }
                PinState?.Invoke(m[1], m[2], state);
                break;
        }
    }
}
