"""Imports the generated stubs with a message that says how to make them."""
try:
    from .v1 import arousal_pb2, control_pb2, control_pb2_grpc, streams_pb2, streams_pb2_grpc  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the build step
    raise ImportError("closedloop.v1 stubs are missing: run `python3 clients/python/build_stubs.py` "
                      f"(needs protoc and grpc_python_plugin): {e}") from e
