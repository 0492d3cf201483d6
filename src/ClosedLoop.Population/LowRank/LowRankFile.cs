using System.Text.Json;

namespace ClosedLoop.Population.LowRank;

/// <summary>A fitted or planted network as saved on disk: the parameters, the feature basis and the initial state.</summary>
/// <param name="Weights">The parameters, double.</param>
/// <param name="Basis">How z1, z2 come from the noradrenaline estimate.</param>
/// <param name="InitialState">x at t = 0 (N values).</param>
/// <param name="DtMs">The step the network was fitted with, ms (information; the loop uses its own step).</param>
public sealed record LowRankNetwork(LowRankWeights<double> Weights, NeBasis Basis, double[] InitialState, double DtMs);

/// <summary>
/// The low-rank network file (JSON, format <c>closedloop-low-rank-rnn</c>, version 1; docs/low-rank.md lists every
/// field). Numbers are written in their shortest round-trip form, so a saved network loads bit for bit.
/// </summary>
public static class LowRankFile
{
    /// <summary>The format name in the file.</summary>
    public const string Format = "closedloop-low-rank-rnn";

    /// <summary>The format version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Write <paramref name="network"/> to <paramref name="path"/>.</summary>
    public static void Save(string path, LowRankNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var p = network.Weights;
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("version", Version);
        w.WriteNumber("units", p.Units);
        w.WriteNumber("rank", p.Rank);
        w.WriteString("mechanism", MechanismName(p.Mechanism));
        w.WriteString("basis", network.Basis == NeBasis.Receptor ? "receptor" : "quadratic");
        w.WriteNumber("tau_ms", p.TauMs);
        w.WriteNumber("dt_ms", network.DtMs);
        Array(w, "m", p.M);
        Array(w, "n", p.N);
        Array(w, "b", p.B);
        Array(w, "mod", p.Mod);
        Array(w, "mod_m", p.ModM);
        Array(w, "mod_n", p.ModN);
        Array(w, "read_scale", p.ReadScale);
        Array(w, "read_offset", p.ReadOffset);
        Array(w, "x0", network.InitialState);
        w.WriteEndObject();
    }

    /// <summary>Read a network written by <see cref="Save"/>; a missing or malformed field throws <see cref="FormatException"/> naming it.</summary>
    public static LowRankNetwork Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Read a network from the bytes of a file written by <see cref="Save"/>; <paramref name="path"/> names it in errors.</summary>
    public static LowRankNetwork Parse(ReadOnlyMemory<byte> json, string path)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string format = Get(root, "format").GetString() ?? "";
        if (format != Format)
        {
            throw new FormatException($"{path}: format \"{format}\", expected \"{Format}\"");
        }
        int version = Get(root, "version").GetInt32();
        if (version != Version)
        {
            throw new FormatException($"{path}: version {version}; this build reads version {Version}");
        }
        int units = Get(root, "units").GetInt32();
        int rank = Get(root, "rank").GetInt32();
        NeMechanism mech = ParseMechanism(Get(root, "mechanism").GetString() ?? "");
        string basisName = Get(root, "basis").GetString() ?? "";
        NeBasis basis = basisName switch
        {
            "quadratic" => NeBasis.Quadratic,
            "receptor" => NeBasis.Receptor,
            _ => throw new FormatException($"basis \"{basisName}\": expected quadratic or receptor"),
        };
        double tau = Get(root, "tau_ms").GetDouble();
        if (!(tau > 0))
        {
            throw new FormatException($"tau_ms {tau}: must be > 0");
        }
        var p = new LowRankWeights<double>(units, rank, mech, tau);
        Read(root, "m", p.M);
        Read(root, "n", p.N);
        Read(root, "b", p.B);
        Read(root, "mod", p.Mod);
        Read(root, "mod_m", p.ModM);
        Read(root, "mod_n", p.ModN);
        Read(root, "read_scale", p.ReadScale);
        Read(root, "read_offset", p.ReadOffset);
        var x0 = new double[units];
        Read(root, "x0", x0);
        return new LowRankNetwork(p, basis, x0, Get(root, "dt_ms").GetDouble());
    }

    /// <summary>The file and CLI name of <paramref name="m"/>: additive, presynaptic, postsynaptic, connectivity.</summary>
    public static string MechanismName(NeMechanism m) => m.ToString().ToLowerInvariant();

    /// <summary>The mechanism called <paramref name="name"/> (<see cref="MechanismName"/>).</summary>
    public static NeMechanism ParseMechanism(string name) =>
        Enum.GetValues<NeMechanism>().FirstOrDefault(m => MechanismName(m) == name, (NeMechanism)(-1)) is var m && m >= 0
            ? m
            : throw new FormatException($"mechanism \"{name}\": expected additive, presynaptic, postsynaptic or connectivity");

    private static JsonElement Get(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) ? e : throw new FormatException($"low-rank network file: field \"{name}\" missing");

    private static void Array(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (double v in values)
        {
            w.WriteNumberValue(v);
        }
        w.WriteEndArray();
    }

    private static void Read(JsonElement root, string name, double[] into)
    {
        var e = Get(root, name);
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != into.Length)
        {
            throw new FormatException($"low-rank network file: field \"{name}\" must be an array of {into.Length} numbers");
        }
        int i = 0;
        foreach (var v in e.EnumerateArray())
        {
            double d = v.GetDouble();
            if (!double.IsFinite(d))
            {
                throw new FormatException($"low-rank network file: field \"{name}\"[{i}] is not finite");
            }
            into[i++] = d;
        }
    }
}
