using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Rig.Config;
using ClosedLoop.Runtime.Readout;
using Xunit;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Rig.Tests.Config;

public class RigConfigParserTests
{
    [Fact]
    public void Defaults_AreValidAndDescribeTheEmbeddedRig()
    {
        var o = RigConfigParser.Defaults();
        Assert.Equal(ModelKind.Microcircuit, o.Model);
        Assert.Equal(SourceKind.Synthetic, o.Source);
        Assert.Equal(1000, o.Runtime.Loop.StepRateHz);
        Assert.Equal(4, o.Runtime.Channels.Count);
        Assert.Equal("tcp://127.0.0.1:5556", o.ZmqIngestEndpoint);
        Assert.Null(o.RecordingPath); // a timestamped file in recordings/
    }

    [Fact]
    public void Parse_FullRig_BindsEverySection()
    {
        const string toml = """
            [loop]
            step_rate_hz = 10000
            substeps = 1
            overrun_policy = "skip"
            [watchdog]
            stale_input_ms = 40
            [model]
            kind = "neural-mass"
            [source]
            kind = "none"
            [receptors]
            alpha2_k_nm = 60
            [levers]
            coupling = { base = 0.2, alpha2 = 0.8, alpha1 = -0.6 }
            [endpoints]
            grpc_port = -1
            zmq_publish = ""
            [recording]
            enabled = false
            [[channel]]
            name = "servo"
            kind = "setpoint"
            source = "gain"
            scale = 10
            limits = { min = -45, max = 45, safe_level = 0, max_slew_per_second = 90 }
            """;
        var o = RigConfigParser.Parse(toml);
        Assert.Equal(10000, o.Runtime.Loop.StepRateHz);
        Assert.Equal(OverrunPolicy.Skip, o.Runtime.Loop.OverrunPolicy);
        Assert.Equal(40, o.Runtime.Watchdog.StaleInputMs);
        Assert.Equal(ModelKind.NeuralMass, o.Model);
        Assert.Equal(SourceKind.None, o.Source);
        Assert.Equal(60, o.LeverMap.Receptors.Alpha2KNm);
        Assert.Equal(330, o.LeverMap.Receptors.Alpha1KNm);
        Assert.Equal(0.8, o.LeverMap.Coupling.Alpha2);
        Assert.Equal(-1, o.GrpcPort);
        Assert.Null(o.ZmqPublishEndpoint);
        Assert.Equal("", o.RecordingPath);
        var ch = Assert.Single(o.Runtime.Channels);
        Assert.Equal("gain", ch.Source);
        Assert.Equal(45, ch.Limits!.Max);
        Assert.Empty(o.Runtime.Stimulators);
    }

    [Theory]
    [InlineData("[loop]\nstep_rate_hz = 50000\n", "loop.step_rate_hz", "50000 is outside 1..20000 Hz")]
    [InlineData("[loop]\nstep_rate = 1000\n", "loop.step_rate", "unknown key; expected one of:")]
    [InlineData("[lopo]\n", "lopo", "unknown section; expected one of: loop, watchdog")]
    [InlineData("[model]\nkind = \"transformer\"\n", "model.kind", "\"transformer\" (a string); expected one of: microcircuit, neural-mass, mean-field")]
    [InlineData("[model]\ncells = \"many\"\n", "model.cells", "\"many\" (a string); expected an integer")]
    [InlineData("[source]\nkind = \"recorded\"\n", "source.path", "missing")]
    [InlineData("[[channel]]\nname = \"a\"\nkind = \"amplitude-ua\"\nlimits = { min = 10, max = 5, safe_level = 0 }\n", "channel[0].limits.max", "below limits.min")]
    [InlineData("[receptors]\nalpha2_k_nm = -3\n", "receptors.alpha2_k_nm", "-3; expected > 0")]
    [InlineData("[source.synthetic]\nmean_arousal = 2\n", "source.synthetic.mean_arousal", "2; expected 0..1")]
    [InlineData("[loop]\nsubsteps = 2\nsubsteps = 3\n", "loop.substeps", "duplicate key")]
    [InlineData("[loop]\n[loop]\n", "loop", "defined twice")]
    [InlineData("[loop\n", "", "not valid TOML")]
    [InlineData("[endpoints]\nzmq_ingest = \"tcp://*:5556\"\n", "endpoints.zmq_ingest", "reachable from the network")]
    [InlineData("[endpoints]\nzmq_publish = \"tcp://0.0.0.0:5557\"\n", "endpoints.zmq_publish", "reachable from the network")]
    [InlineData("[endpoints]\nzmq_ingest = \"tcp//127.0.0.1:5556\"\n", "endpoints.zmq_ingest", "not a ZeroMQ endpoint")]
    [InlineData("[endpoints]\nzmq_ingest = \"tcp://127.0.0.1:99999\"\n", "endpoints.zmq_ingest", "not 1..65535")]
    [InlineData("[source]\nhost = \"bad host\"\n", "source.host", "not a host name")]
    [InlineData("[endpoints]\ngrpc_unix_socket = \"/tmp/a\\u0000b\"\n", "endpoints.grpc_unix_socket", "file path")]
    [InlineData("[loop]\nring_capacity = 2147483647\n", "loop.ring_capacity", "outside 2..1048576")]
    [InlineData("[[sink]]\nkind = \"bridge\"\nport = \"/dev/ttyACM0\"\nheartbeat = true\nmax_frame_age_ms = 150\n", "sink[0].max_frame_age_ms", "compiled ceiling; a config may only tighten it")]
    [InlineData("[[sink]]\nkind = \"bridge\"\nport = \"/dev/ttyACM0\"\nheartbeat = true\nmax_frame_age_ms = 0\n", "sink[0].max_frame_age_ms", "expected (0, 100] ms")]
    public void Parse_BadConfig_NamesTheField(string toml, string field, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => RigConfigParser.Parse(toml));
        Assert.Equal(field, ex.Field);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BridgeSinkMaxFrameAge_DefaultsToTheCeilingAndTightensTheLimitsSentToTheDevice()
    {
        const string sink = "[[sink]]\nkind = \"bridge\"\nport = \"/dev/ttyACM0\"\nheartbeat = true\n";
        var o = RigConfigParser.Parse(sink);
        var limits = ClosedLoop.Rig.Session.BridgeLimitsFromConfig.Options(o.Sinks.Single(), o.Runtime).Limits;
        Assert.Equal(100, limits.MaxFrameAgeMs);
        Assert.Equal((uint)ClosedLoop.Bridge.Protocol.BridgeProtocol.MaxFrameAgeUs, limits.ToMessage(1).MaxFrameAgeUs);
        o = RigConfigParser.Parse(sink + "max_frame_age_ms = 40\n");
        limits = ClosedLoop.Rig.Session.BridgeLimitsFromConfig.Options(o.Sinks.Single(), o.Runtime).Limits;
        Assert.Equal(40_000u, limits.ToMessage(1).MaxFrameAgeUs);
    }

    [Fact]
    public void Parse_InterleavedChannelBlocks_KeepsEveryChannelInOrder()
    {
        // Valid TOML (toml-lang/toml#1103): the [[channel]] blocks need not stand together.
        const string toml = """
            [[channel]]
            name = "a"
            kind = "setpoint"
            limits = { min = 0, max = 1, safe_level = 0 }
            [[stimulator]]
            amplitude_channel = 1
            pulse_width_channel = 2
            max_charge_per_phase_nc = 10
            fixed_pulse_rate_hz = 100
            [[channel]]
            name = "b"
            kind = "amplitude-ua"
            limits = { min = 0, max = 100, safe_level = 0 }
            [[channel]]
            name = "c"
            kind = "pulse-width-us"
            limits = { min = 0, max = 100, safe_level = 0 }
            """;
        var o = RigConfigParser.Parse(toml);
        Assert.Equal(["a", "b", "c"], o.Runtime.Channels.Select(c => c.Name));
        Assert.Equal(1, Assert.Single(o.Runtime.Stimulators).AmplitudeChannel);
    }

    [Fact]
    public void Levers_EverySchemaName_IsAKeyOfTheLeversSection()
    {
        foreach (var info in LeverSchema.All)
        {
            var o = RigConfigParser.Parse($$"""
                [levers]
                {{info.Name}} = { base = 0.5, alpha2 = 0, alpha1 = 0 }
                """);
            Assert.Equal(new LeverTerm(0.5, 0, 0), o.LeverMap.Term(info.Lever));
        }
    }

    [Fact]
    public void Levers_UnknownKey_IsRejected()
    {
        var ex = Assert.ThrowsAny<Exception>(() => RigConfigParser.Parse("""
            [levers]
            couplin = { base = 0.5 }
            """));
        Assert.Contains("levers.couplin", ex.Message, StringComparison.Ordinal);
    }
}
