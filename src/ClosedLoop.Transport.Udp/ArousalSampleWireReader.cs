using System.Buffers.Binary;
using ClosedLoop.Contracts.Mapping;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Transport.Udp;

/// <summary>
/// Decodes one protobuf <c>closedloop.v1.ArousalSample</c> (protos/closedloop/v1/arousal.proto) into a reused message
/// without allocating or throwing: the loop thread cannot afford an exception per bad datagram. Unknown fields are
/// skipped as protobuf requires; any malformed byte makes it return false.
/// </summary>
internal static class ArousalSampleWireReader
{
    public static bool TryRead(ReadOnlySpan<byte> p, Wire.ArousalSample m)
    {
        SampleMapper.ResetToDefaults(m);
        int i = 0;
        while (i < p.Length)
        {
            if (!TryVarint(p, ref i, out ulong key) || key >> 3 == 0 || key >> 3 > int.MaxValue)
            {
                return false;
            }
            int field = (int)(key >> 3);
            int wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    if (!TryVarint(p, ref i, out ulong v)) return false;
                    switch (field)
                    {
                        case 3: m.Channel = (uint)v; break;
                        case 4: m.Kind = (Wire.SourceKind)(int)v; break;
                        case 6: m.ArrivalMonoNs = (long)v; break;
                        case 7: m.Sequence = v; break;
                        case 8: m.SessionId = v; break;
                    }
                    break;
                case 1:
                    if (p.Length - i < 8) return false;
                    ulong bits = BinaryPrimitives.ReadUInt64LittleEndian(p[i..]);
                    i += 8;
                    if (field == 1) m.Value = BitConverter.UInt64BitsToDouble(bits);
                    else if (field == 5) m.SourceTimeS = BitConverter.UInt64BitsToDouble(bits);
                    break;
                case 5:
                    if (p.Length - i < 4) return false;
                    uint bits32 = BinaryPrimitives.ReadUInt32LittleEndian(p[i..]);
                    i += 4;
                    if (field == 2) m.Confidence = BitConverter.UInt32BitsToSingle(bits32);
                    break;
                case 2:
                    if (!TryVarint(p, ref i, out ulong len) || len > (ulong)(p.Length - i)) return false;
                    i += (int)len; // no length-delimited field in ArousalSample: skip
                    break;
                default:
                    return false; // groups (3, 4) are not proto3; 6 and 7 do not exist
            }
        }
        return true;
    }

    private static bool TryVarint(ReadOnlySpan<byte> p, ref int i, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (i >= p.Length) return false;
            byte b = p[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }
}
