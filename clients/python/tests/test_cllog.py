"""The .cllog reader against a recording the rig just wrote (CLOSEDLOOP_RECORDING) and the record counts the
C# reader found in it (CLOSEDLOOP_EXPECTED_COUNTS, JSON), and against the version-1 fixtures."""
import glob
import json
import os
import unittest

import numpy as np

from closedloop import read_cllog

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "..", "tests", "ClosedLoop.Rig.Tests", "Fixtures")


class CllogTests(unittest.TestCase):
    def test_counts_and_tables_match_the_csharp_reader(self):
        path = os.environ.get("CLOSEDLOOP_RECORDING")
        expected = os.environ.get("CLOSEDLOOP_EXPECTED_COUNTS")
        if not path or not expected:
            raise RuntimeError("CLOSEDLOOP_RECORDING / CLOSEDLOOP_EXPECTED_COUNTS not set: run through PythonClientTests")
        rec = read_cllog(path)
        self.assertEqual(rec.damage, [])
        self.assertEqual(rec.version, 2)
        self.assertEqual(rec.counts, json.loads(expected))
        out = rec.tables["OutputFrame"]
        self.assertEqual(len(out), rec.counts["OutputFrame"])
        self.assertTrue(np.all(np.diff(out["step"]) == 1), "output frames are one per step")
        self.assertTrue(set(np.unique(out["safety"])) <= {0, 1, 2, 3})
        readout = rec.tables["ModelReadout"]
        self.assertIn("pyramidal_rate_hz", readout.dtype.names)
        self.assertTrue(np.all(np.isfinite(readout["pyramidal_rate_hz"])))
        self.assertIn("[", rec.config)
        # Operator notes the test made through gRPC are in the markers.
        codes = {code for _, code, _ in rec.markers}
        self.assertIn(100, codes)  # e-stop
        frames = rec.to_pandas()
        self.assertEqual(len(frames["OutputFrame"]), rec.counts["OutputFrame"])

    def test_version1_fixtures_read(self):
        files = sorted(glob.glob(os.path.join(FIXTURES, "v1-*.cllog")))
        self.assertEqual(len(files), 2)
        for f in files:
            rec = read_cllog(f)
            self.assertEqual(rec.version, 1)
            self.assertEqual(rec.damage, [])
            self.assertEqual(len(rec.tables["Readout"]), rec.counts["Readout"])
            self.assertEqual([n for n, *_ in rec.readout_schema][0], "pyramidal_rate_hz")

    def test_damaged_block_is_skipped_and_reported(self):
        files = sorted(glob.glob(os.path.join(FIXTURES, "v1-microcircuit.cllog")))
        data = bytearray(open(files[0], "rb").read())
        whole = read_cllog(files[0])
        data[48 + 30] ^= 0xFF  # inside the first block
        damaged = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"cllog-damaged-{os.getpid()}.cllog")
        with open(damaged, "wb") as fh:
            fh.write(data)
        try:
            rec = read_cllog(damaged)
        finally:
            os.unlink(damaged)
        self.assertEqual(len(rec.damage), 1)
        self.assertLess(sum(rec.counts.values()), sum(whole.counts.values()))


if __name__ == "__main__":
    unittest.main()
