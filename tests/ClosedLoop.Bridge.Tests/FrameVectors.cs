using System.Globalization;
using ClosedLoop.Bridge.Protocol;

namespace ClosedLoop.Bridge.Tests;

/// <summary>One entry of firmware-bridge/protocol/vectors/frames.txt (the vectors the C tests check too).</summary>
internal sealed record FrameVector(string Name, bool IsReject, byte Type, ushort Seq, string Error,
    IReadOnlyList<KeyValuePair<string, BridgeFieldValue>> Fields, byte[] Wire)
{
    public override string ToString() => Name;

    /// <summary>The repository's firmware-bridge folder, found upward from the test binaries.</summary>
    public static string FirmwareDir
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            {
                string p = Path.Combine(d.FullName, "firmware-bridge");
                if (File.Exists(Path.Combine(p, "protocol", "bridge.schema")))
                {
                    return p;
                }
            }
            throw new DirectoryNotFoundException("firmware-bridge not found above " + AppContext.BaseDirectory);
        }
    }

    public static IReadOnlyList<FrameVector> Load()
    {
        var list = new List<FrameVector>();
        string? name = null, error = "";
        bool reject = false;
        byte type = 0;
        ushort seq = 0;
        var fields = new List<KeyValuePair<string, BridgeFieldValue>>();
        byte[] wire = [];
        void Flush()
        {
            if (name != null)
            {
                list.Add(new FrameVector(name, reject, type, seq, error, fields.ToArray(), wire));
            }
        }
        foreach (string line in File.ReadLines(Path.Combine(FirmwareDir, "protocol", "vectors", "frames.txt")))
        {
            string[] w = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (w.Length == 0 || w[0].StartsWith('#'))
            {
                continue;
            }
            switch (w[0])
            {
                case "vector" or "reject":
                    Flush();
                    name = w[1];
                    reject = w[0] == "reject";
                    fields = [];
                    error = "";
                    break;
                case "type":
                    type = Convert.ToByte(w[1], 16);
                    break;
                case "seq":
                    seq = ushort.Parse(w[1], CultureInfo.InvariantCulture);
                    break;
                case "error":
                    error = w[1];
                    break;
                case "field":
                    fields.Add(new(w[1], BridgeFieldValue.Parse(w[2]))); // integers exactly (u64 included)
                    break;
                case "wire":
                    wire = w.Skip(1).Select(x => Convert.ToByte(x, 16)).ToArray();
                    break;
            }
        }
        Flush();
        return list;
    }
}
