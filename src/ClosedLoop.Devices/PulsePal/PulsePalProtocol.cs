using System.Buffers.Binary;

namespace ClosedLoop.Devices.PulsePal;

/// <summary>Output parameter codes of op 74 (program one parameter of one output channel), in Sanworks' order.</summary>
public enum PulsePalParam : byte
{
    IsBiphasic = 1,
    Phase1Voltage = 2,
    Phase2Voltage = 3,
    Phase1Duration = 4,
    InterPhaseInterval = 5,
    Phase2Duration = 6,
    InterPulseInterval = 7,
    BurstDuration = 8,
    InterBurstInterval = 9,
    PulseTrainDuration = 10,
    PulseTrainDelay = 11,
    LinkTriggerChannel1 = 12,
    LinkTriggerChannel2 = 13,
    CustomTrainId = 14,
    CustomTrainTarget = 15,
    CustomTrainLoop = 16,
    RestingVoltage = 17,
}

/// <summary>
/// The Pulse Pal v2 USB serial protocol, host side, as Sanworks' published host code uses it (PulsePal repository,
/// Python/Python3/PulsePal.py and Python/PulsePal/PulsePal.py): every command starts with the op-menu byte 213; the
/// handshake (op 72) is answered with 75 and the firmware version (uint32, little-endian; 20 and later is Pulse Pal
/// 2 with a 16-bit DAC); op 74 programs one parameter of one output channel and is acknowledged with one byte (1
/// executed, 0 rejected as out of range); voltages travel as 16-bit DAC codes over -10..+10 V, times as uint32
/// counts of the 50 us hardware cycle (20 kHz); op 77 triggers the channels of a bit mask (bit 0 = channel 1), op 80
/// aborts every pulse train (firmware before 22; 22 and later use op 98 with a channel mask), op 81 says the client
/// disconnects; none of those three is acknowledged.
/// </summary>
public static class PulsePalProtocol
{
    public const byte OpMenu = 213;
    public const byte OpHandshake = 72;
    public const byte HandshakeReply = 75;
    public const byte OpProgramParam = 74;
    public const byte OpTrigger = 77;
    public const byte OpAbort = 80;
    public const byte OpDisconnect = 81;
    public const byte OpStopChannels = 98;
    public const byte Acknowledged = 1;
    public const byte Rejected = 0;

    /// <summary>First firmware version of Pulse Pal 2 (16-bit DAC). Older firmware is Pulse Pal 1 (8-bit DAC), not supported.</summary>
    public const uint FirstPulsePal2Firmware = 20;

    /// <summary>First firmware with op 98 (stop by channel mask) instead of op 80.</summary>
    public const uint FirstStopByMaskFirmware = 22;

    /// <summary>The hardware timer period, us: every time parameter is a count of these.</summary>
    public const double CycleUs = 50;

    /// <summary>Output range of the DAC, volts (both signs).</summary>
    public const double FullScaleVolts = 10;

    /// <summary>Largest DAC code.</summary>
    public const int DacMax = 65535;

    /// <summary>Bytes of an op 74 command carrying <paramref name="param"/>'s value.</summary>
    public static int ProgramParamLength(PulsePalParam param) => 4 + ValueBytes(param);

    /// <summary>Bytes the value of <paramref name="param"/> takes on the wire: 2 (voltage), 4 (time), 1 (everything else).</summary>
    public static int ValueBytes(PulsePalParam param) => IsVoltage(param) ? 2 : IsTime(param) ? 4 : 1;

    public static bool IsVoltage(PulsePalParam p) => p is PulsePalParam.Phase1Voltage or PulsePalParam.Phase2Voltage or PulsePalParam.RestingVoltage;

    public static bool IsTime(PulsePalParam p) => p >= PulsePalParam.Phase1Duration && p <= PulsePalParam.PulseTrainDelay;

    /// <summary>DAC code of <paramref name="volts"/> (clamped to +-10 V): round((V + 10) / 20 x 65535), as the current host code rounds.</summary>
    public static ushort VoltsToCode(double volts)
    {
        double v = Math.Clamp(double.IsNaN(volts) ? 0 : volts, -FullScaleVolts, FullScaleVolts);
        return (ushort)Math.Clamp(Math.Round((v + FullScaleVolts) / (2 * FullScaleVolts) * DacMax), 0, DacMax);
    }

    /// <summary>Volts of a DAC code.</summary>
    public static double CodeToVolts(int code) => code / (double)DacMax * 2 * FullScaleVolts - FullScaleVolts;

    /// <summary>Hardware cycles of <paramref name="microseconds"/> (rounded, at least 0).</summary>
    public static uint MicrosecondsToCycles(double microseconds) =>
        (uint)Math.Clamp(Math.Round(microseconds / CycleUs), 0, uint.MaxValue);

    /// <summary>Write the handshake command; returns its length.</summary>
    public static int EncodeHandshake(Span<byte> destination)
    {
        destination[0] = OpMenu;
        destination[1] = OpHandshake;
        return 2;
    }

    /// <summary>Write op 74 for <paramref name="param"/> on output <paramref name="channel"/> (1-4) with a raw device value
    /// (DAC code, cycle count or byte); returns its length.</summary>
    public static int EncodeProgramParam(Span<byte> destination, PulsePalParam param, byte channel, uint deviceValue)
    {
        destination[0] = OpMenu;
        destination[1] = OpProgramParam;
        destination[2] = (byte)param;
        destination[3] = channel;
        switch (ValueBytes(param))
        {
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], checked((ushort)deviceValue));
                return 6;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], deviceValue);
                return 8;
            default:
                destination[4] = checked((byte)deviceValue);
                return 5;
        }
    }

    /// <summary>Write op 77 triggering the channels of <paramref name="mask"/> (bit 0 = output 1); returns its length.</summary>
    public static int EncodeTrigger(Span<byte> destination, byte mask)
    {
        destination[0] = OpMenu;
        destination[1] = OpTrigger;
        destination[2] = mask;
        return 3;
    }

    /// <summary>Write the stop command for the channels of <paramref name="mask"/>: op 98 + mask on firmware 22 and later,
    /// op 80 (all channels) before; returns its length.</summary>
    public static int EncodeStop(Span<byte> destination, uint firmware, byte mask)
    {
        destination[0] = OpMenu;
        if (firmware >= FirstStopByMaskFirmware)
        {
            destination[1] = OpStopChannels;
            destination[2] = mask;
            return 3;
        }
        destination[1] = OpAbort;
        return 2;
    }

    /// <summary>Write op 81 (client disconnects); returns its length.</summary>
    public static int EncodeDisconnect(Span<byte> destination)
    {
        destination[0] = OpMenu;
        destination[1] = OpDisconnect;
        return 2;
    }
}
