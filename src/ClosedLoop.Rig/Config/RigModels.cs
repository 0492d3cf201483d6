using ClosedLoop.Circuit;
using ClosedLoop.Core.Models;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Population.LowRank;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.NeuralMass;

namespace ClosedLoop.Rig.Config;

/// <summary>
/// Builds the parts of a rig that depend only on its options: the circuit model and the lever table. The
/// session and the replay target both build through here, so a replay rebuilds exactly what ran.
/// </summary>
public static class RigModels
{
    /// <summary>The <c>neural-mass</c> preset of the second-order Jansen-Rit column (no preset: the first-order E-I mass).</summary>
    public const string JansenRitPreset = "jansen-rit";

    /// <summary>The circuit model for <paramref name="o"/>, with its lever ramp set; prepared by the loop.</summary>
    public static IModel CreateModel(RigOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        double dt = 1000.0 / o.Runtime.Loop.StepRateHz / o.Runtime.Loop.Substeps;
        IModel model = o.Model switch
        {
            ModelKind.NeuralMass => o.ModelPreset == JansenRitPreset ? new SecondOrderNeuralMassModel() : new NeuralMassModel(),
            ModelKind.MeanField => MeanFieldModel.FromPreset(o.ModelPreset.Length == 0 ? MeanFieldPresets.Names[0] : o.ModelPreset),
            ModelKind.LowRankRnn => LoadLowRank(o.ModelPath, o.ModelSha256),
            _ => MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(o.Cells, o.Seed, dt)),
        };
        model.LeverRampMs = o.LeverRampMs;
        return model;
    }

    /// <summary>
    /// <paramref name="o"/> with <see cref="RigOptions.ModelSha256"/> set to the SHA-256 of its low-rank network file
    /// (unchanged for other models), so the effective config a recording holds pins the file's contents. A hash already
    /// given must match (<c>model.sha256</c> error otherwise).
    /// </summary>
    public static RigOptions PinModelFile(RigOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Model != ModelKind.LowRankRnn)
        {
            return o;
        }
        string hash = Sha256Hex(ReadNetworkBytes(o.ModelPath));
        CheckHash(o.ModelPath, hash, o.ModelSha256);
        return o with { ModelSha256 = hash };
    }

    /// <summary>Lowercase hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>
    /// The low-rank network in <paramref name="path"/>, checked against <paramref name="sha256"/> when given (the hash
    /// and the network come from the same bytes); a missing or malformed file is a config error on <c>model.path</c>, a
    /// changed file one on <c>model.sha256</c>.
    /// </summary>
    private static LowRankRnnModel LoadLowRank(string? path, string? sha256)
    {
        byte[] bytes = ReadNetworkBytes(path);
        CheckHash(path, Sha256Hex(bytes), sha256);
        try
        {
            LowRankNetwork net = LowRankFile.Parse(bytes, path ?? "");
            return new LowRankRnnModel(net.Weights, net.Basis, net.InitialState);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            throw new Core.Configuration.ConfigException("model.path", $"\"{path}\": {ex.Message}", ex);
        }
    }

    private static byte[] ReadNetworkBytes(string? path)
    {
        try
        {
            return File.ReadAllBytes(path ?? "");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new Core.Configuration.ConfigException("model.path", $"\"{path}\": {ex.Message}", ex);
        }
    }

    private static void CheckHash(string? path, string actual, string? expected)
    {
        if (!string.IsNullOrEmpty(expected) && !string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            Core.Configuration.ConfigException.Throw("model.sha256",
                $"the network file \"{path}\" has SHA-256 {actual}, but {expected} is required (the recording or config was made with a " +
                "different file): refusing to run a network that is not the recorded one; restore the original file or remove model.sha256");
        }
    }

    /// <summary>Throws <see cref="Core.Configuration.ConfigException"/> (field <c>model.preset</c>) when the preset is not one the model kind has.</summary>
    public static void ValidatePreset(RigOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.ModelPreset.Length == 0)
        {
            return;
        }
        IReadOnlyList<string> names = o.Model switch
        {
            ModelKind.MeanField => MeanFieldPresets.Names,
            ModelKind.NeuralMass => [JansenRitPreset],
            _ => [],
        };
        if (!names.Contains(o.ModelPreset))
        {
            Core.Configuration.ConfigException.Throw("model.preset", names.Count == 0
                ? $"\"{o.ModelPreset}\"; this model kind has no presets"
                : $"\"{o.ModelPreset}\"; expected one of: {string.Join(", ", names)}");
        }
    }

    /// <summary>The receptor map of <paramref name="o"/> precomputed over arousal.</summary>
    public static LeverTable CreateLeverTable(RigOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new LeverTable(new LeverMap(o.LeverMap));
    }
}
