using ClosedLoop.Devices.PulsePal;
using Xunit;

namespace ClosedLoop.Devices.Tests;

/// <summary>Byte-exact commands, worked out by hand from Sanworks' published host code (see docs/devices.md).</summary>
public sealed class PulsePalProtocolTests
{
    private static byte[] Bytes(Func<byte[], int> encode)
    {
        var b = new byte[16];
        return b[..encode(b)];
    }

    [Fact]
    public void Handshake_Is213Then72() => Assert.Equal([213, 72], Bytes(b => PulsePalProtocol.EncodeHandshake(b)));

    [Fact]
    public void Phase1Voltage_5VOnChannel1_IsDacCode49151LittleEndian()
    {
        // (5 + 10) / 20 x 65535 = 49151.25 -> 49151 = 0xBFFF
        Assert.Equal(49151, PulsePalProtocol.VoltsToCode(5));
        Assert.Equal([213, 74, 2, 1, 0xFF, 0xBF], Bytes(b => PulsePalProtocol.EncodeProgramParam(b, PulsePalParam.Phase1Voltage, 1, 49151)));
    }

    [Fact]
    public void VoltageCodes_EndsAndZero()
    {
        Assert.Equal(0, PulsePalProtocol.VoltsToCode(-10));
        Assert.Equal(65535, PulsePalProtocol.VoltsToCode(10));
        Assert.Equal(65535, PulsePalProtocol.VoltsToCode(25)); // clamped to the DAC's range
        Assert.Equal(32768, PulsePalProtocol.VoltsToCode(0)); // 32767.5: half to even, as Python 3 round() in the host code
        Assert.InRange(PulsePalProtocol.CodeToVolts(PulsePalProtocol.VoltsToCode(1.2345)), 1.2345 - 20.0 / 65535, 1.2345 + 20.0 / 65535);
    }

    [Fact]
    public void Phase1Duration_200usOnChannel3_IsFourCyclesOf50usAsUInt32()
    {
        Assert.Equal(4u, PulsePalProtocol.MicrosecondsToCycles(200));
        Assert.Equal([213, 74, 4, 3, 4, 0, 0, 0], Bytes(b => PulsePalProtocol.EncodeProgramParam(b, PulsePalParam.Phase1Duration, 3, 4)));
    }

    [Fact]
    public void TrainDuration_60s_Is1200000Cycles()
    {
        Assert.Equal(1_200_000u, PulsePalProtocol.MicrosecondsToCycles(60e6));
        Assert.Equal([213, 74, 10, 2, 0x80, 0x4F, 0x12, 0x00], Bytes(b => PulsePalProtocol.EncodeProgramParam(b, PulsePalParam.PulseTrainDuration, 2, 1_200_000)));
    }

    [Fact]
    public void ByteParameter_IsOneByte() =>
        Assert.Equal([213, 74, 12, 4, 0], Bytes(b => PulsePalProtocol.EncodeProgramParam(b, PulsePalParam.LinkTriggerChannel1, 4, 0)));

    [Fact]
    public void Trigger_Channel2And4_IsMask0x0A() => Assert.Equal([213, 77, 0x0A], Bytes(b => PulsePalProtocol.EncodeTrigger(b, 0x0A)));

    [Fact]
    public void Stop_Firmware21IsOp80_Firmware22IsOp98WithMask()
    {
        Assert.Equal([213, 80], Bytes(b => PulsePalProtocol.EncodeStop(b, 21, 1)));
        Assert.Equal([213, 98, 1], Bytes(b => PulsePalProtocol.EncodeStop(b, 22, 1)));
    }

    [Fact]
    public void Disconnect_Is213Then81() => Assert.Equal([213, 81], Bytes(b => PulsePalProtocol.EncodeDisconnect(b)));

    [Fact]
    public void Volts_AmplitudeOverIsolatorGain_ClampedToTheConfiguredCeiling()
    {
        var o = new PulsePalOptions { Port = "x", AmplitudeChannel = 0, PulseWidthChannel = 1, UaPerVolt = 100, MaxVolts = 2 };
        Assert.Equal(1.5, PulsePalSink.Volts(o, 150, out bool c1), 12);
        Assert.False(c1);
        Assert.Equal(2, PulsePalSink.Volts(o, 900, out bool c2), 12);
        Assert.True(c2);
        Assert.Equal(0, PulsePalSink.Volts(o, double.NaN, out _));
    }
}
