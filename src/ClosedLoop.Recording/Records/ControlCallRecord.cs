using System.Buffers.Binary;
using System.Text;

namespace ClosedLoop.Recording.Records;

/// <summary>
/// One control-plane call that could change the loop (e-stop, reset, start/stop, levers, config, arousal ingest)
/// or any call the control plane refused, with who made it: 0: i64 monotonic ticks when it completed; 8: i32 gRPC
/// status code (0 OK, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED, ...); 12: u16 method length; 14: u16 caller length;
/// 16: UTF-8 method, UTF-8 caller, UTF-8 status detail to the end. Written from transport threads at the loop's
/// current step; replay shows these and does not feed them to the loop (the commands' effects are recorded as
/// markers and lever records of their own).
/// </summary>
/// <param name="Ticks">Monotonic clock when the call completed.</param>
/// <param name="StatusCode">The call's gRPC status code.</param>
/// <param name="Method">Full method name ("/closedloop.v1.Control/EStop").</param>
/// <param name="Caller">Who called (token name and role, certificate subject, peer address, Unix uid and pid).</param>
/// <param name="Detail">The status detail ("" when OK).</param>
public readonly record struct ControlCallRecord(long Ticks, int StatusCode, string Method, string Caller, string Detail) : IRecord<ControlCallRecord>
{
    public static RecordType Type => RecordType.ControlCall;

    public static int FixedSize => -1;

    public static int MinSize => 16;

    public int PayloadSize => 16 + Encoding.UTF8.GetByteCount(Method) + Encoding.UTF8.GetByteCount(Caller) + Encoding.UTF8.GetByteCount(Detail);

    public void Encode(Span<byte> p)
    {
        int methodLength = Encoding.UTF8.GetByteCount(Method);
        int callerLength = Encoding.UTF8.GetByteCount(Caller);
        if (methodLength > ushort.MaxValue || callerLength > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(Caller), "method or caller longer than 65535 bytes");
        }
        BinaryPrimitives.WriteInt64LittleEndian(p, Ticks);
        BinaryPrimitives.WriteInt32LittleEndian(p[8..], StatusCode);
        BinaryPrimitives.WriteUInt16LittleEndian(p[12..], (ushort)methodLength);
        BinaryPrimitives.WriteUInt16LittleEndian(p[14..], (ushort)callerLength);
        Encoding.UTF8.GetBytes(Method, p[16..]);
        Encoding.UTF8.GetBytes(Caller, p[(16 + methodLength)..]);
        Encoding.UTF8.GetBytes(Detail, p[(16 + methodLength + callerLength)..]);
    }

    public static ControlCallRecord Decode(ReadOnlySpan<byte> p)
    {
        int methodLength = BinaryPrimitives.ReadUInt16LittleEndian(p[12..]);
        int callerLength = BinaryPrimitives.ReadUInt16LittleEndian(p[14..]);
        if (16 + methodLength + callerLength > p.Length)
        {
            throw new InvalidDataException($"control call record: method and caller lengths {methodLength}+{callerLength} exceed payload {p.Length}");
        }
        return new ControlCallRecord(
            BinaryPrimitives.ReadInt64LittleEndian(p),
            BinaryPrimitives.ReadInt32LittleEndian(p[8..]),
            Encoding.UTF8.GetString(p.Slice(16, methodLength)),
            Encoding.UTF8.GetString(p.Slice(16 + methodLength, callerLength)),
            Encoding.UTF8.GetString(p[(16 + methodLength + callerLength)..]));
    }

    /// <summary>One line for people: "EStop OK by token ops (control) from ipv4:10.0.0.5:51234".</summary>
    public override string ToString()
    {
        string method = Method[(Method.LastIndexOf('/') + 1)..];
        string outcome = StatusCode == 0 ? "OK" : $"refused ({StatusName(StatusCode)}: {Detail})";
        return $"{method} {outcome} by {Caller}";
    }

    private static string StatusName(int code) => code switch
    {
        1 => "CANCELLED",
        2 => "UNKNOWN",
        3 => "INVALID_ARGUMENT",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        9 => "FAILED_PRECONDITION",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        16 => "UNAUTHENTICATED",
        _ => $"status {code}",
    };
}
