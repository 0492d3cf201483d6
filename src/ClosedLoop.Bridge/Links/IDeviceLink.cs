namespace ClosedLoop.Bridge.Links;

/// <summary>
/// A request/reply link to a device as the drivers (Pulse Pal, Firmata) use it: bounded writes and reads. The real one
/// is <see cref="PosixTty"/>; a driver's warm start (<c>ISink.WarmUp</c>) runs the same per-frame code against a
/// scratch link that keeps the bytes in memory and answers from a script, so nothing reaches the device.
/// </summary>
public interface IDeviceLink
{
    /// <summary>Write all of <paramref name="bytes"/> within <paramref name="timeoutMs"/> (see <see cref="PosixTty.Write"/>).</summary>
    void Write(ReadOnlySpan<byte> bytes, double timeoutMs = 1000, CancellationToken ct = default);

    /// <summary>Read what is there (at least one byte) within <paramref name="timeoutMs"/>; 0 when nothing came.</summary>
    int Read(Span<byte> destination, double timeoutMs);

    /// <summary>Fill <paramref name="destination"/> within <paramref name="timeoutMs"/>, else <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    void ReadExact(Span<byte> destination, double timeoutMs, string what);
}
