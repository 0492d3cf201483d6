using System.Collections;
using ClosedLoop.Configuration;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Recording;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Replay;
using ClosedLoop.Rig.Session;
using Xunit;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Rig.Tests.Config;

/// <summary>The effective config: every key, defaults filled in, read back to the same options (recordings hold it).</summary>
public sealed class EffectiveConfigTests : IDisposable
{
    private const string Minimal = "[model]\ncells = 300\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("cl-effective-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("")]
    [InlineData(Minimal)]
    [InlineData("[model]\nkind = \"neural-mass\"\n[source]\nkind = \"recorded\"\npath = \"s.csv\"\n[endpoints]\ngrpc_port = -1\nzmq_publish = \"\"\ngrpc_unix_socket = \"/tmp/x.sock\"\n[recording]\nenabled = false\n[pupil]\nmax_velocity_mm_per_s = inf\n")]
    [InlineData("[[channel]]\nname = \"servo \\\"x\\\"\"\nkind = \"setpoint\"\nsource = \"gain\"\nscale = 0.1\nlimits = { min = -45, max = 45, safe_level = 0, max_slew_per_second = 90 }\n[recording]\npath = \"r.cllog\"\n")]
    public void Render_ThenParse_GivesEqualOptions(string toml)
    {
        var parsed = RigConfigParser.Parse(toml);
        string effective = RigConfigParser.Render(parsed);
        var again = RigConfigParser.Parse(effective);

        AssertDeepEqual(parsed, again, "");
        Assert.Equal(effective, RigConfigParser.Render(again));
    }

    [Fact]
    public void Render_Minimal_HoldsEveryKeyOfEverySection()
    {
        var doc = TomlDocument.Parse(RigConfigParser.Render(RigConfigParser.Parse(Minimal)));
        AssertEveryKey(doc, RigConfigParser.Parse(Minimal));
    }

    [Fact]
    public async Task Recording_FromMinimalConfig_HoldsTheEffectiveConfigWithEveryKey()
    {
        string rec = Path.Combine(_dir, "minimal.cllog");
        var options = RigConfigParser.Parse($"""
            {Minimal}
            [endpoints]
            grpc_port = -1
            zmq_ingest = ""
            zmq_publish = ""
            [recording]
            path = "{rec}"
            """);
        var session = RigSession.Create(options);
        await session.StartAsync();
        long at = session.Runtime.StepsRun;
        await session.Device.WaitForFrameAsync(f => f.Step > at + 20, TimeSpan.FromSeconds(20));
        await session.DisposeAsync();

        var contents = await RecordingReader.ReadAllAsync(rec);
        var config = contents.Records.Single(r => r.Type == RecordType.Config);
        string text = ConfigRecord.Decode(config.Payload.Span).ConfigText;

        // The loop's "auto" scheduling is recorded as what it resolved to, with a comment saying what the loop got.
        var effective = session.EffectiveOptions;
        Assert.Equal(RigConfigParser.Render(effective, "Loop at start: " + session.Runtime.Scheduling.Describe()), text);
        Assert.NotEqual(ClosedLoop.Runtime.Loop.LoopConfig.Auto, effective.Runtime.Loop.CpuCore);
        Assert.NotEqual(ClosedLoop.Runtime.Loop.LoopConfig.Auto, effective.Runtime.Loop.RealtimePriority);
        Assert.Equal(options with { Runtime = options.Runtime with { Loop = effective.Runtime.Loop } }, effective);
        AssertEveryKey(TomlDocument.Parse(text), effective);
        AssertDeepEqual(effective, RigConfigParser.Parse(text), "");
        var report = await ReplayEngine.RunAsync(rec, new RigReplayTarget());
        Assert.True(report.Reproduced, $"first divergence: {report.FirstDivergence}; stop: {report.StopReason}");
    }

    [Fact]
    public void Replay_OfAnOlderRecordingHoldingTheUsersText_RebuildsFromThatText()
    {
        // Recordings written before the effective config hold the user's text as typed: it still builds the loop,
        // with what the text leaves out meaning the defaults of that time; for the lever map that is its first
        // version (today's default map differs: it was redesigned for the inverted U, docs/modulation.md).
        string userText = RigTestOptionsText();
        var target = new RigReplayTarget();
        target.Reset(new ReplaySetup(default, "", userText, null));
        Assert.NotNull(target.Options);
        AssertDeepEqual(RigConfigParser.Parse(userText, LeverMapOptions.Version1), target.Options!, "");
        Assert.Equal(LeverMapOptions.Version1, target.Options!.LeverMap);
        Assert.NotEqual(LeverMapOptions.Default, target.Options!.LeverMap);
    }

    private static string RigTestOptionsText() => "[model]\ncells = 300\n[source.synthetic]\nsample_rate_hz = 200\n[endpoints]\ngrpc_port = -1\n[recording]\nenabled = false\n";

    /// <summary>Every bindable property of the sections' option types is a key of the document (null values excepted: TOML has no null).</summary>
    private static void AssertEveryKey(ConfigTable doc, RigOptions o)
    {
        AssertKeys(doc.GetTable("loop"), o.Runtime.Loop);
        AssertKeys(doc.GetTable("watchdog"), o.Runtime.Watchdog);
        AssertKeys(doc.GetTable("pupil"), o.Pupil);
        AssertKeys(doc.GetTable("photometry"), o.Photometry);
        AssertKeys(doc.GetTable("receptors"), o.LeverMap.Receptors);
        AssertKeys(doc.GetTable("levers"), o.LeverMap, "receptors");
        AssertKeys(doc.GetTable("source")?.GetTable("synthetic"), o.Synthetic);
        foreach (var (section, keys) in new[]
        {
            ("model", new[] { "kind", "cells", "seed", "lever_ramp_ms" }),
            ("source", ["kind", "speed", "host", "port", "synthetic"]),
            ("direct", ["stale_after_ms"]),
            ("endpoints", ["grpc_port", "zmq_ingest", "zmq_publish"]),
            ("recording", ["enabled", "directory"]),
        })
        {
            var table = doc.GetTable(section);
            Assert.NotNull(table);
            foreach (var key in keys)
            {
                Assert.True(table!.Has(key), $"{section}.{key} missing");
            }
        }
        var channels = doc.GetTableArray("channel");
        Assert.Equal(o.Runtime.Channels.Count, channels.Count);
        for (int i = 0; i < channels.Count; i++)
        {
            AssertKeys(channels[i], o.Runtime.Channels[i]);
        }
        var stimulators = doc.GetTableArray("stimulator");
        Assert.Equal(o.Runtime.Stimulators.Count, stimulators.Count);
        for (int i = 0; i < stimulators.Count; i++)
        {
            AssertKeys(stimulators[i], o.Runtime.Stimulators[i]);
        }
    }

    private static void AssertKeys(ConfigTable? table, object options, params string[] skip)
    {
        Assert.NotNull(table);
        foreach (var (key, property) in ConfigBinder.Properties(options.GetType()))
        {
            object? value = property.GetValue(options);
            if (value is null || skip.Contains(key))
            {
                continue;
            }
            Assert.True(table!.Has(key), $"{table.FieldName(key)} missing from the effective config");
            if (!ConfigBinder.IsScalar(value.GetType()) && !ConfigBinder.IsList(value.GetType()) && table.GetRaw(key) is ConfigTable nested)
            {
                AssertKeys(nested, value);
            }
        }
    }

    /// <summary>Structural equality over the bindable properties (lists element by element).</summary>
    private static void AssertDeepEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }
        var type = expected.GetType();
        if (ConfigBinder.IsScalar(type))
        {
            Assert.True(Equals(expected, actual), $"{path}: {expected} vs {actual}");
            return;
        }
        if (expected is IEnumerable e && actual is IEnumerable a)
        {
            var left = e.Cast<object?>().ToArray();
            var right = a.Cast<object?>().ToArray();
            Assert.True(left.Length == right.Length, $"{path}: {left.Length} vs {right.Length} items");
            for (int i = 0; i < left.Length; i++)
            {
                AssertDeepEqual(left[i], right[i], $"{path}[{i}]");
            }
            return;
        }
        Assert.Equal(type, actual.GetType());
        foreach (var (key, property) in ConfigBinder.Properties(type))
        {
            AssertDeepEqual(property.GetValue(expected), property.GetValue(actual), path.Length == 0 ? key : $"{path}.{key}");
        }
    }
}
