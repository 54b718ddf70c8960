#!/usr/bin/env python3
"""Runs the bundled hello_world model (a sine approximation) through the
microml CLI: quantizes x, runs the int8 model, dequantizes y."""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("MICROML_BIN", os.path.join(ROOT, "build", "bin", "microml"))
MODEL = os.path.join(ROOT, "models", "hello_world_int8.tflite")


def main():
    info = json.loads(subprocess.check_output([CLI, "inspect", MODEL, "--json"]))
    inp, out = info["inputs"][0], info["outputs"][0]
    print("model: %s, %d bytes, arena %d bytes" % (os.path.basename(MODEL), info["model_bytes"],
                                                   info["arena_bytes"]))
    print("%8s %10s %10s" % ("x", "sin(x)", "model"))
    with tempfile.TemporaryDirectory() as tmp:
        for step in range(9):
            x = step * math.pi / 4
            q = max(-128, min(127, round(x / inp["scale"]) + inp["zero_point"]))
            path = os.path.join(tmp, "x.bin")
            with open(path, "wb") as f:
                f.write(struct.pack("b", q))
            subprocess.check_call([CLI, "run", MODEL, "--input", path, "--output-dir", tmp])
            with open(os.path.join(tmp, "output0.bin"), "rb") as f:
                (yq,) = struct.unpack("b", f.read(1))
            y = (yq - out["zero_point"]) * out["scale"]
            print("%8.3f %10.3f %10.3f" % (x, math.sin(x), y))
    return 0


if __name__ == "__main__":
    sys.exit(main())
