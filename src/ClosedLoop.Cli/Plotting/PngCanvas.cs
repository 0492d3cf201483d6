using ScottPlot;
using SkiaSharp;

namespace ClosedLoop.Cli.Plotting;

/// <summary>Saves ScottPlot figures as PNG files without any display (Skia raster surface).</summary>
internal static class PngCanvas
{
    /// <summary>Renders <paramref name="plots"/> on a grid of <paramref name="rows"/> x <paramref name="columns"/> and writes a PNG.</summary>
    public static void SaveGrid(IReadOnlyList<Plot> plots, int rows, int columns, string path, int width, int height)
    {
        var multiplot = new Multiplot();
        while (multiplot.Subplots.Count > 0)
        {
            multiplot.Subplots.RemoveAt(0); // a new Multiplot starts with one empty plot
        }
        foreach (var plot in plots)
        {
            multiplot.Subplots.Add(plot);
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException("Skia could not create a raster surface");
        surface.Canvas.Clear(SKColors.White);
        multiplot.Render(surface.Canvas, new PixelRect(0, width, height, 0));
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }
}
