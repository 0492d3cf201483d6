namespace ClosedLoop.Cli.Plotting;

/// <summary>Checks image sizes given on the command line.</summary>
internal static class PlotSize
{
    public static (int Width, int Height) Check(int width, int height)
    {
        if (width is < 200 or > 8000)
        {
            throw new CliInputException($"option '--width' is {width}; expected 200..8000 px");
        }
        if (height is < 200 or > 8000)
        {
            throw new CliInputException($"option '--height' is {height}; expected 200..8000 px");
        }
        return (width, height);
    }
}
