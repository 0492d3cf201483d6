using ClosedLoop.Rig.Config;
using Xunit;

namespace ClosedLoop.Rig.Tests.Config;

/// <summary>Every example in configs/ parses and says what its name promises.</summary>
public sealed class ExampleConfigTests
{
    private static RigOptions Load(string name) =>
        RigConfigParser.Parse(File.ReadAllText(DocumentedConfigTests.RepoFile(Path.Combine("configs", name))));

    [Fact]
    public void Synthetic_IsTheEmbeddedDefaults()
    {
        var o = Load("synthetic.toml");
        var d = RigConfigParser.Defaults();
        Assert.Equal(SourceKind.Synthetic, o.Source);
        Assert.Equal(d.Synthetic, o.Synthetic);
        Assert.Equal(d.Model, o.Model);
        Assert.Equal(d.Cells, o.Cells);
    }

    [Fact]
    public void Recorded_ReplaysAFile()
    {
        var o = Load("recorded.toml");
        Assert.Equal(SourceKind.Recorded, o.Source);
        Assert.Equal("session.csv", o.RecordedPath);
        Assert.Equal(1, o.RecordedSpeed);
    }

    [Fact]
    public void PupilCore_NamesPupilRemote()
    {
        var o = Load("pupil-core.toml");
        Assert.Equal(SourceKind.PupilCore, o.Source);
        Assert.Equal(("127.0.0.1", 50020), (o.PupilHost, o.PupilPort));
        Assert.Equal(0.6, o.Pupil.ConfidenceThreshold, 12);
        Assert.True(o.PupilCore.RemoteRecording && o.PupilCore.Annotations); // Capture's recording covers the session, marked
        Assert.Equal("", o.PupilCore.RecordingName);
    }

    [Fact]
    public void PyPhotometry_StartsTheBoardInTheDefaultMode()
    {
        var o = Load("py-photometry.toml");
        Assert.Equal(SourceKind.PyPhotometry, o.Source);
        Assert.Equal("/dev/ttyACM0", o.SourceDevice);
        Assert.Equal(Modulation.Photometry.PyPhotometryAcquisition.Default, o.PyPhotometry);
        Assert.Equal(40, o.PyPhotometry.WordsPerChunk);
    }

    [Fact]
    public void SourceSerialLine_SharesItsDeviceWithASerialSinkAndNamesAnEStopLine()
    {
        var o = Load("source-serial-line.toml");
        Assert.Equal(SourceKind.SerialLine, o.Source);
        Assert.Equal("/dev/ttyUSB0", o.SourceDevice);
        Assert.Equal(115200, o.SourceBaud);
        Assert.Equal(0, o.SourceEStopLine);
        var serial = Assert.Single(o.Sinks, s => s.Kind == SinkKind.Serial);
        Assert.Equal(o.SourceDevice, serial.Port);
        Assert.Equal(o.SourceBaud, serial.Baud);
        Assert.Single(o.Sinks, s => s.Heartbeat && s.Kind == SinkKind.Simulated);
        var again = RigConfigParser.Parse(RigConfigParser.Render(o)); // what a recording holds reads back the same
        Assert.Equal((o.Source, o.SourceDevice, o.SourceBaud, o.SourceEStopLine), (again.Source, again.SourceDevice, again.SourceBaud, again.SourceEStopLine));
    }

    [Fact]
    public void ExternalZmq_OnlyTheZeroMqIngest()
    {
        var o = Load("external-zmq.toml");
        Assert.Equal(SourceKind.None, o.Source);
        Assert.Equal("tcp://127.0.0.1:5556", o.ZmqIngestEndpoint);
        Assert.Equal(-1, o.GrpcPort);
    }

    [Fact]
    public void ExternalGrpc_OnlyGrpc()
    {
        var o = Load("external-grpc.toml");
        Assert.Equal(SourceKind.None, o.Source);
        Assert.Equal(50051, o.GrpcPort);
        Assert.Null(o.ZmqIngestEndpoint);
        Assert.Null(o.ZmqPublishEndpoint);
    }

    [Fact]
    public void NeuralMass_JansenRit()
    {
        var o = Load("neural-mass.toml");
        Assert.Equal(ModelKind.NeuralMass, o.Model);
        Assert.Equal("jansen-rit", o.ModelPreset);
    }

    [Fact]
    public void EveryExample_IsCoveredHere()
    {
        // A new example config needs a test above; sink examples (sink-*.toml) are tested with the sinks.
        string[] tested = ["synthetic.toml", "recorded.toml", "pupil-core.toml", "py-photometry.toml", "external-zmq.toml", "external-grpc.toml", "neural-mass.toml", "source-serial-line.toml"];
        var present = Directory.GetFiles(DocumentedConfigTests.RepoFile("configs"), "*.toml").Select(Path.GetFileName)
            .Where(n => !n!.StartsWith("sink-", StringComparison.Ordinal));
        Assert.Equal(tested.Order(), present.Order()!);
    }
}
