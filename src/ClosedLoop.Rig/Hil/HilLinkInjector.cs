using ClosedLoop.Bridge.Framing;
using ClosedLoop.Bridge.Protocol;

namespace ClosedLoop.Rig.Hil;

/// <summary>
/// A second writer on the device's terminal, beside the host: what a noisy or half-connected line delivers to the
/// device. Every 5 ms it writes damaged frames, none of which can pass the CRC: for <see cref="HilFaultKind.Corrupt"/>
/// an Output frame with one byte flipped (delimited: rejected alone) and a run of random non-zero bytes with no
/// delimiter (it joins the host's next frame, which is lost: the device counts a sequence gap); for
/// <see cref="HilFaultKind.Truncate"/> the first half of an Output frame with no delimiter (the same loss).
/// </summary>
public static class HilLinkInjector
{
    /// <summary>Write damaged frames to <paramref name="link"/> until <paramref name="duration"/> has passed; returns the damaged frames written.</summary>
    public static async Task<int> RunAsync(string link, HilFaultKind kind, TimeSpan duration, CancellationToken ct)
    {
        if (kind is not (HilFaultKind.Corrupt or HilFaultKind.Truncate))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a link fault");
        }
        await using var tty = new FileStream(link, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0);
        var wire = new byte[BridgeProtocol.MaxWire + 1];
        var junk = new byte[16];
        var until = DateTime.UtcNow + duration;
        int written = 0;
        ushort seq = 40_000;
        while (DateTime.UtcNow < until)
        {
            var frame = new Output { Step = seq, Safety = HostSafety.Armed, ChannelCount = 1 };
            frame.Values[0] = 999f; // beyond any limit: were it ever accepted, the limits check would see it
            int n = BridgeFrame.Encode(frame, seq++, wire);
            if (kind == HilFaultKind.Corrupt)
            {
                wire[n / 2] = wire[n / 2] == 0x5A ? (byte)0xA5 : (byte)(wire[n / 2] ^ 0x5A); // one byte changed, never to the delimiter
                tty.Write(wire, 0, n);
                for (int i = 0; i < junk.Length; i++)
                {
                    junk[i] = (byte)Random.Shared.Next(1, 256);
                }
                tty.Write(junk);
                written += 2;
            }
            else
            {
                tty.Write(wire, 0, n / 2);
                written++;
            }
            await Task.Delay(5, ct).ConfigureAwait(false);
        }
        return written;
    }
}
