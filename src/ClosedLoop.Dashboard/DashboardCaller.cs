namespace ClosedLoop.Dashboard;

/// <summary>What a dashboard caller may do. Operate implies Read.</summary>
public enum DashboardPermission
{
    /// <summary>The page, the live stream and the status: every view.</summary>
    Read = 1,

    /// <summary>The operator controls too: hold/resume, e-stop and its reset, lever override and clear.</summary>
    Operate = 2,
}

/// <summary>An authenticated dashboard caller: a name for the recording and what it may do.</summary>
/// <param name="Name">Who (the token's name in the token file).</param>
/// <param name="Permission">What the caller may do.</param>
public sealed record DashboardCaller(string Name, DashboardPermission Permission);
