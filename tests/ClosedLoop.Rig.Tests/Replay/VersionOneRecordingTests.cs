using ClosedLoop.Recording;
using ClosedLoop.Rig.Replay;
using Xunit;

namespace ClosedLoop.Rig.Tests.Replay;

/// <summary>
/// Recordings written by format version 1 (before models declared their readout schema; made with
/// <c>closedloop run --seconds 1.2</c> on the last version-1 commit) still read and replay bit for bit: the
/// fixed readout fields are matched by name to what today's models report (the neural mass's
/// <c>excitatory_rate_hz</c> answers to the recorded <c>pyramidal_rate_hz</c> through its alias).
/// </summary>
public class VersionOneRecordingTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Theory]
    [InlineData("v1-microcircuit.cllog", "L5 spiking microcircuit")]
    [InlineData("v1-neural-mass.cllog", "neural-mass-ei")]
    public async Task Replay_VersionOneRecording_ReproducesEveryFrameAndReadout(string file, string modelName)
    {
        RecordingHeader header;
        await using (var reader = RecordingReader.Open(Fixture(file)))
        {
            header = await reader.ReadHeaderAsync();
        }
        Assert.Equal(1, header.Version);

        ReplayReport report = await ReplayEngine.RunAsync(Fixture(file), new RigReplayTarget());

        Assert.True(report.Reproduced, $"{report.FirstDivergence} {report.StopReason}");
        Assert.Equal(modelName, report.ModelName);
        Assert.True(report.OutputsCompared > 1000, $"{report.OutputsCompared} outputs compared");
        Assert.Equal(report.OutputsCompared, report.ReadoutsCompared);
    }
}
