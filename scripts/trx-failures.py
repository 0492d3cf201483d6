#!/usr/bin/env python3
"""Prints every failed test of the given .trx files (name, message, the start of its stack trace and output), so a CI
log shows why a test failed, not only that it did."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
LIMIT = 6000

for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        print(f"== {path}: unreadable ({e})")
        continue
    for r in root.iterfind(".//t:UnitTestResult", NS):
        if r.get("outcome") != "Failed":
            continue
        print(f"== FAILED {r.get('testName')} ({r.get('duration')}) in {path}")
        for tag in ("t:Output/t:ErrorInfo/t:Message", "t:Output/t:ErrorInfo/t:StackTrace", "t:Output/t:StdOut"):
            node = r.find(tag, NS)
            if node is not None and node.text:
                text = node.text.strip()
                print(text[:LIMIT] + (" [...]" if len(text) > LIMIT else ""))
