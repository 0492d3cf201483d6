using System.Diagnostics;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// Disk full for real: the recording goes to a 256 KiB tmpfs (mounted by the test; the test command runs as root,
/// as it installs Debian packages). Issue 7, defect 7: exit 0, "0 records dropped", 46 % of the session never written.
/// </summary>
public sealed class RecordingFailureTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly string _mount = Directory.CreateTempSubdirectory("cl-full-").FullName;

    public RecordingFailureTests() => Run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", _mount);

    public void Dispose()
    {
        Run("umount", _mount);
        Directory.Delete(_mount);
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {err}");
    }

    [Fact]
    public async Task DiskFull_HoldSafeByDefault_ReportedAtOnceOutputsSafeAndLossCounted()
    {
        var log = new StringWriter();
        var options = RigTestOptions.Create(Path.Combine(_mount, "full.cllog"));
        Assert.Equal(RecordingFailurePolicy.HoldSafe, options.RecordingOnFailure);
        var session = RigSession.Create(options, TextWriter.Synchronized(log));
        await using (session)
        {
            await session.StartAsync();
            await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
            // The disk fills within a second or two; the e-stop follows within one 50 ms check.
            var held = await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.EStop, s_timeout);
            Assert.NotNull(session.RecordingFault);
            Assert.True(session.EStopLatched);
            Assert.StartsWith("recording failed", session.EStopReason, StringComparison.Ordinal);
            Assert.Contains("RECORDING FAILED", session.GetStatus().ToStatusLine(), StringComparison.Ordinal);
            for (int c = 0; c < held.ChannelCount; c++)
            {
                Assert.Equal(options.Runtime.Channels[c].Limits!.SafeLevel, held.Values[c], 6);
            }
            // gRPC Status says so, with the count of what was lost (the loop keeps producing records it cannot write).
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(session.Grpc!.Address);
            var control = new Contracts.V1.Control.ControlClient(channel);
            var deadline = DateTime.UtcNow + s_timeout;
            Contracts.V1.Status status;
            do
            {
                status = await control.GetStatusAsync(new Contracts.V1.GetStatusRequest());
            }
            while (status.RecordsLost == 0 && DateTime.UtcNow < deadline && await Task.Delay(20).ContinueWith(_ => true));
            Assert.Equal(Contracts.V1.LoopState.Faulted, status.State);
            Assert.Equal(session.RecordingFault!.Message, status.RecordingFault);
            Assert.NotEmpty(status.RecordingFault);
            Assert.True(status.RecordsLost > 0);
        }
        Assert.True(session.Recording!.RecordsLostToFault > 0);
        Assert.Contains("recording FAILED", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiskFull_ContinueUnrecorded_StaysArmedButReportsIt()
    {
        var options = RigTestOptions.Create(Path.Combine(_mount, "cont.cllog"), "on_failure = \"continue-unrecorded\"");
        await using var session = RigSession.Create(options);
        await session.StartAsync();
        await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
        var deadline = DateTime.UtcNow + s_timeout;
        while (session.RecordingFault is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.NotNull(session.RecordingFault);
        // Still armed after the fault: an armed frame 100 steps later. (Not "the frame 100 steps later is armed": on a
        // loaded machine the governor may trip for a moment on late input, which has nothing to do with the disk.)
        long at = session.Runtime.StepsRun;
        var later = await session.Device.WaitForFrameAsync(f => f.Step > at + 100 && f.Safety == SafetyState.Armed, s_timeout);
        Assert.Equal(SafetyState.Armed, later.Safety);
        Assert.False(session.EStopLatched);
        Assert.Contains("RECORDING FAILED", session.GetStatus().ToStatusLine(), StringComparison.Ordinal);
    }
}
