using ClosedLoop.Devices.Firmata;
using Xunit;

namespace ClosedLoop.Devices.Tests;

/// <summary>Byte-exact Firmata messages, worked out by hand from the protocol documents (protocol.md, servos.md).</summary>
public sealed class FirmataProtocolTests
{
    private static byte[] Bytes(Func<byte[], int> encode)
    {
        var b = new byte[32];
        return b[..encode(b)];
    }

    [Fact]
    public void FirmwareQuery_IsSysex0x79() => Assert.Equal([0xF0, 0x79, 0xF7], Bytes(b => FirmataProtocol.EncodeFirmwareQuery(b)));

    [Fact]
    public void SetPinMode_Pin9Servo() => Assert.Equal([0xF4, 9, 4], Bytes(b => FirmataProtocol.EncodeSetPinMode(b, 9, FirmataPinMode.Servo)));

    [Fact]
    public void ServoConfig_Pin9_544To2400us_In14BitLsbFirst()
    {
        // 544 = 4 x 128 + 32; 2400 = 18 x 128 + 96
        Assert.Equal([0xF0, 0x70, 9, 32, 4, 96, 18, 0xF7], Bytes(b => FirmataProtocol.EncodeServoConfig(b, 9, 544, 2400)));
    }

    [Fact]
    public void AnalogWrite_Pin3Value1500_IsAnalogMessage()
    {
        // 1500 = 11 x 128 + 92
        Assert.Equal([0xE3, 92, 11], Bytes(b => FirmataProtocol.EncodeAnalogWrite(b, 3, 1500)));
    }

    [Fact]
    public void AnalogWrite_Pin20_IsExtendedAnalog() =>
        Assert.Equal([0xF0, 0x6F, 20, 0x7F, 0x01, 0xF7], Bytes(b => FirmataProtocol.EncodeAnalogWrite(b, 20, 255)));

    [Fact]
    public void AnalogWrite_ValueBeyond14Bits_IsExtendedAnalogWithThreeBytes() =>
        Assert.Equal([0xF0, 0x6F, 2, 0, 0, 1, 0xF7], Bytes(b => FirmataProtocol.EncodeAnalogWrite(b, 2, 1 << 14)));

    [Fact]
    public void PinStateQuery_Pin13() => Assert.Equal([0xF0, 0x6D, 13, 0xF7], Bytes(b => FirmataProtocol.EncodePinStateQuery(b, 13)));

    [Fact]
    public void Reader_FirmwareReportAndPinState()
    {
        var r = new FirmataReader();
        (int, int, long) seen = default;
        r.PinState = (p, m, s) => seen = (p, m, s);
        r.Feed([0xF9, 2, 5, 0xF0, 0x79, 2, 5, (byte)'S', 0, (byte)'F', 0, 0xF7, 0xF0, 0x6E, 9, 4, 92, 11, 0xF7]);
        Assert.Equal("SF", r.FirmwareName);
        Assert.Equal((2, 5), (r.FirmwareMajor, r.FirmwareMinor));
        Assert.Equal((9, 4, 1500L), seen);
    }

    [Fact]
    public void DeviceValue_ServoDegreesToPulse_PwmDutyToCounts_Clamped()
    {
        var o = new FirmataOptions { Port = "x", Pins = [], ServoMinPulseUs = 1000, ServoMaxPulseUs = 2000 };
        Assert.Equal(1500, FirmataSink.DeviceValue(o, FirmataPinMode.Servo, 90, out bool c1));
        Assert.False(c1);
        Assert.Equal(2000, FirmataSink.DeviceValue(o, FirmataPinMode.Servo, 400, out bool c2));
        Assert.True(c2);
        Assert.Equal(128, FirmataSink.DeviceValue(o, FirmataPinMode.Pwm, 0.5, out _)); // 127.5 -> 128 (half to even)
        Assert.Equal(0, FirmataSink.DeviceValue(o, FirmataPinMode.Pwm, double.NaN, out bool c3));
        Assert.True(c3);
    }
}
