using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using ClosedLoop.Core.Concurrency;

namespace ClosedLoop.Benchmarks;

/// <summary>
/// Producer cost of <see cref="BroadcastRing{T}.Write"/> while readers poll: one producer (the benchmark thread) writes a
/// 64-byte struct, <see cref="Readers"/> threads spin on their own <see cref="BroadcastRingReader{T}"/> the whole time.
/// What it measures is the cache traffic the readers cause the producer: the producer's sequence counter is padded onto
/// its own cache line (PaddedLong) so readers polling the ring's other fields do not keep pulling the line it writes.
/// Reported time is per write (OperationsPerInvoke). On a machine with fewer cores than readers + 1 the readers
/// also take CPU time from the producer, which inflates the figure.
/// Run: dotnet run -c Release --project tools/ClosedLoop.Benchmarks -- --filter '*BroadcastRing*' --job short
/// </summary>
[MemoryDiagnoser]
public class BroadcastRingBenchmark
{
    private const int WritesPerInvoke = 10_000;

    private BroadcastRing<Payload64> _ring = null!;
    private Thread[] _threads = [];
    private volatile bool _stop;
    private long _read;
    private Payload64 _item;

    /// <summary>Reader threads polling while the producer writes.</summary>
    [Params(2)]
    public int Readers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ring = new BroadcastRing<Payload64>(1024);
        _stop = false;
        _threads = new Thread[Readers];
        for (int i = 0; i < Readers; i++)
        {
            var reader = _ring.CreateReader(fromNow: true);
            _threads[i] = new Thread(() => Poll(reader)) { IsBackground = true, Name = $"ring-reader-{i}" };
            _threads[i].Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        foreach (var t in _threads)
        {
            t.Join();
        }
    }

    /// <summary><see cref="WritesPerInvoke"/> writes; the figure is per write.</summary>
    [Benchmark(OperationsPerInvoke = WritesPerInvoke)]
    public long Write()
    {
        var ring = _ring;
        for (int i = 0; i < WritesPerInvoke; i++)
        {
            _item.A = i;
            ring.Write(_item);
        }
        return ring.WrittenCount;
    }

    private void Poll(BroadcastRingReader<Payload64> reader)
    {
        long read = 0;
        while (!_stop)
        {
            while (reader.TryRead(out var item))
            {
                read += item.A & 1;
            }
        }
        Interlocked.Add(ref _read, read);
    }

    /// <summary>A 64-byte item (one cache line), like a telemetry or output frame.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Payload64
    {
        public long A;
        public long B;
        public long C;
        public long D;
        public long E;
        public long F;
        public long G;
        public long H;
    }
}
