using Xunit;

namespace ClosedLoop.TestSupport;

/// <summary>
/// Zero-allocation tests run alone: while other test classes JIT in parallel, tiered-compilation promotion of the
/// hot methods can land inside the measured window and is charged to the measuring thread (seen: 6016 bytes once
/// per process, never in isolation). Running them without parallel neighbours measures the step itself.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationTestsCollection
{
    public const string Name = "allocation";
}
