#!/usr/bin/env python3
"""Generate the protobuf and gRPC stubs of ../../protos into closedloop/v1/ (never committed).

Uses protoc with the gRPC Python plugin (Debian: protobuf-compiler, protobuf-compiler-grpc), whose versions
match Debian's python3-protobuf and python3-grpcio runtimes. Debian's python3-grpc-tools is not used: its bundled
protoc (3.5) rejects the proto3 `optional` fields of control.proto. Run it again whenever protos/ changes;
it does nothing when the stubs are newer than every proto.
"""
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
PROTOS = HERE.parent.parent / "protos"
OUT = HERE / "closedloop" / "v1"


def main() -> int:
    protos = sorted((PROTOS / "closedloop" / "v1").glob("*.proto"))
    if not protos:
        print(f"build_stubs: no .proto files under {PROTOS}", file=sys.stderr)
        return 2
    stamp = OUT / ".generated"
    if stamp.exists() and all(p.stat().st_mtime <= stamp.stat().st_mtime for p in protos + [pathlib.Path(__file__)]):
        return 0
    protoc = shutil.which("protoc")
    plugin = shutil.which("grpc_python_plugin")
    if protoc is None or plugin is None:
        print("build_stubs: needs protoc and grpc_python_plugin (Debian: protobuf-compiler protobuf-compiler-grpc; "
              "scripts/install-deps.sh installs them)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*_pb2*.py"):
        old.unlink()
    # The stubs import each other as closedloop.v1.X, which is this package's v1 subpackage.
    cmd = [protoc, f"-I{PROTOS}", f"--python_out={HERE}", f"--plugin=protoc-gen-grpc_python={plugin}",
           f"--grpc_python_out={HERE}"] + [str(p) for p in protos]
    subprocess.run(cmd, check=True)
    (OUT / "__init__.py").write_text('"""Generated from protos/closedloop/v1 by build_stubs.py; do not edit."""\n')
    stamp.write_text("generated\n")
    print(f"build_stubs: {len(protos)} protos -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
