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
            ModelKind.LowRankRnn => LoadLowRank(o.ModelPath),
            _ => MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(o.Cells, o.Seed, dt)),
        };
        model.LeverRampMs = o.LeverRampMs;
        return model;
    }

    /// <summary>The low-rank network in <paramref name="path"/>; a missing or malformed file is a config error on <c>model.path</c>.</summary>
    private static LowRankRnnModel LoadLowRank(string? path)
    {
        try
        {
            LowRankNetwork net = LowRankFile.Load(path ?? "");
            return new LowRankRnnModel(net.Weights, net.Basis, net.InitialState);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new Core.Configuration.ConfigException("model.path", $"\"{path}\": {ex.Message}", ex);
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
