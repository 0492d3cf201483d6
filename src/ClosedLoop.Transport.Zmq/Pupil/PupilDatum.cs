namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>The fields of one Pupil Core pupil datum that ClosedLoop uses.</summary>
/// <param name="Eye">Eye id (0 right, 1 left in Pupil's convention).</param>
/// <param name="PupilTimeSeconds">Datum timestamp in Pupil time, s.</param>
/// <param name="Confidence">Detector confidence 0..1.</param>
/// <param name="Diameter">diameter_3d in mm (3D topics) or diameter in pixels (2D topics).</param>
public readonly record struct PupilDatum(int Eye, double PupilTimeSeconds, double Confidence, double Diameter);
