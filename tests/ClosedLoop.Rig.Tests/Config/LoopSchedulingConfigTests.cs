using ClosedLoop.Core.Configuration;
using ClosedLoop.Rig.Config;
using ClosedLoop.Runtime.Loop;
using Xunit;

namespace ClosedLoop.Rig.Tests.Config;

/// <summary>Issue 10: a session asks for a real-time core by default ("auto"); the words and numbers [loop] accepts for it, and what it refuses.</summary>
public sealed class LoopSchedulingConfigTests
{
    [Fact]
    public void Defaults_AskForAutoCoreAndPriority_SleepMode_RenderedAsTheWord()
    {
        var loop = RigConfigParser.Defaults().Runtime.Loop;
        Assert.Equal((LoopConfig.Auto, LoopConfig.Auto, LoopWait.Sleep), (loop.CpuCore, loop.RealtimePriority, loop.Wait));
        string text = RigConfigParser.Render(RigConfigParser.Defaults());
        Assert.Contains("cpu_core = \"auto\"\n", text, StringComparison.Ordinal);
        Assert.Contains("realtime_priority = \"auto\"\n", text, StringComparison.Ordinal);
        Assert.Contains("wait = \"sleep\"\n", text, StringComparison.Ordinal);
        Assert.Equal(loop, RigConfigParser.Parse(text).Runtime.Loop);
    }

    [Theory]
    [InlineData("cpu_core = \"auto\"\nrealtime_priority = \"AUTO\"", LoopConfig.Auto, LoopConfig.Auto, LoopWait.Sleep)]
    [InlineData("cpu_core = 1\nrealtime_priority = 50\nwait = \"spin\"", 1, 50, LoopWait.Spin)]
    [InlineData("cpu_core = -1\nrealtime_priority = 0", -1, 0, LoopWait.Sleep)]
    [InlineData("wait = \"spin\"", LoopConfig.Auto, LoopConfig.Auto, LoopWait.Spin)]
    public void Parse_NumbersWordsAndWait(string keys, int cpu, int priority, LoopWait wait)
    {
        var loop = RigConfigParser.Parse($"[loop]\n{keys}\n").Runtime.Loop;
        Assert.Equal((cpu, priority, wait), (loop.CpuCore, loop.RealtimePriority, loop.Wait));
    }

    [Theory]
    [InlineData("cpu_core = \"last\"", "loop.cpu_core", "\"auto\"")]
    [InlineData("realtime_priority = \"max\"", "loop.realtime_priority", "\"auto\"")]
    [InlineData("realtime_priority = 120", "loop.realtime_priority", "0..99")]
    [InlineData("wait = \"nap\"", "loop.wait", "spin")]
    [InlineData("wait = \"spin\"\ncpu_core = -1", "loop.wait", "pinned core")]
    public void Parse_Refused_NamingTheField(string keys, string field, string says)
    {
        var ex = Assert.Throws<ConfigException>(() => RigConfigParser.Parse($"[loop]\n{keys}\n"));
        Assert.Equal(field, ex.Field);
        Assert.Contains(says, ex.Message, StringComparison.Ordinal);
    }
}
