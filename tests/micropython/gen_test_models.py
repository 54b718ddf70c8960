#!/usr/bin/env python3
"""Generates the small models the MicroPython tests use (tests/micropython/models/).

usage: gen_test_models.py [OUT_DIR]

  identity_int8      int8 (1, 2, 3), scale 0.5, zero point 3 -> RESHAPE -> (1, 6)
  identity_uint8     uint8 (1, 4), scale 0.25, zero point 10 -> RESHAPE -> (1, 4)
  image_f32_2x2x3    float (1, 2, 2, 3) -> RESHAPE -> (1, 12)   (Normalization tests)
  image_f32_2x3x1    float (1, 2, 3, 1) -> RESHAPE -> (1, 6)
  image_i8_4x4x3     int8 (1, 4, 4, 3), scale 1/255, zero point -128 -> RESHAPE -> (1, 48)
  add_two_inputs     int8 (1, 4) + int8 (1, 4) -> ADD -> int8 (1, 4), all scale 0.1, zero point 0
  missing_op         a CUSTOM operator "ml_test_missing_op" (no kernel anywhere)
  huge_arena         int8 (1, 8000000) -> RESHAPE: an 8 MB input and output (an 8 MB
                     arena: RESHAPE runs in place)
  int64_input        int64 (1, 2) -> RESHAPE (int64 inputs are not exchanged)
  accumulator        int8 (1, 4) x; state += x via resource variables (VAR_HANDLE,
                     READ_VARIABLE, ADD, ASSIGN_VARIABLE); output the new state
  labels.d/          identity_int8 as with.dots.tflite (+ with.dots.txt labels) and
                     as nolabels (no extension, no labels): label-file lookup
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ops"))
from tflite_builder import ModelBuilder, S  # noqa: E402


def reshape_model(name, in_shape, out_shape, dtype, scale=None, zero_point=None):
    b = ModelBuilder(f"ml module test model {name}")
    q = {} if scale is None else {"scale": scale, "zero_point": zero_point}
    x = b.tensor("x", in_shape, dtype, **q)
    shape = b.const("shape", np.array(out_shape, np.int32))
    y = b.tensor("y", out_shape, dtype, **q)
    opts = S.ReshapeOptionsT()
    opts.newShape = list(out_shape)
    b.op("RESHAPE", [x, shape], [y], options=opts)
    b.inputs([x])
    b.outputs([y])
    return b.finish()


def add_two_inputs():
    b = ModelBuilder("ml module test model add_two_inputs")
    q = {"scale": 0.1, "zero_point": 0}
    x = b.tensor("a", [1, 4], "int8", **q)
    y = b.tensor("b", [1, 4], "int8", **q)
    z = b.tensor("sum", [1, 4], "int8", **q)
    b.op("ADD", [x, y], [z], options=S.AddOptionsT())
    b.inputs([x, y])
    b.outputs([z])
    return b.finish()


def missing_op():
    b = ModelBuilder("ml module test model missing_op")
    x = b.tensor("x", [1, 4], "int8", scale=0.1, zero_point=0)
    y = b.tensor("y", [1, 4], "int8", scale=0.1, zero_point=0)
    b.op("CUSTOM", [x], [y], custom_code="ml_test_missing_op")
    b.inputs([x])
    b.outputs([y])
    return b.finish()


def accumulator():
    b = ModelBuilder("ml module test model accumulator")
    q = {"scale": 0.1, "zero_point": 0}
    x = b.tensor("x", [1, 4], "int8", **q)
    handle = b.tensor("handle", [1], "resource")
    state = b.tensor("state", [1, 4], "int8", **q)
    total = b.tensor("total", [1, 4], "int8", **q)
    opts = S.VarHandleOptionsT()
    opts.container = ""
    opts.sharedName = "accumulator"
    b.op("VAR_HANDLE", [], [handle], options=opts)
    b.op("READ_VARIABLE", [handle], [state])
    b.op("ADD", [state, x], [total], options=S.AddOptionsT())
    b.op("ASSIGN_VARIABLE", [handle, total], [])
    b.inputs([x])
    b.outputs([total])
    return b.finish()


MODELS = {
    "identity_int8": lambda: reshape_model("identity_int8", [1, 2, 3], [1, 6], "int8", 0.5, 3),
    "identity_uint8": lambda: reshape_model("identity_uint8", [1, 4], [1, 4], "uint8", 0.25, 10),
    "image_f32_2x2x3": lambda: reshape_model("image_f32_2x2x3", [1, 2, 2, 3], [1, 12], "float32"),
    "image_f32_2x3x1": lambda: reshape_model("image_f32_2x3x1", [1, 2, 3, 1], [1, 6], "float32"),
    "image_i8_4x4x3": lambda: reshape_model("image_i8_4x4x3", [1, 4, 4, 3], [1, 48], "int8", 1.0 / 255.0, -128),
    "add_two_inputs": add_two_inputs,
    "missing_op": missing_op,
    "huge_arena": lambda: reshape_model("huge_arena", [1, 8000000], [8000000, 1], "int8", 1.0, 0),
    "int64_input": lambda: reshape_model("int64_input", [1, 2], [2, 1], "int64"),
    "accumulator": accumulator,
}


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "models"
    out.mkdir(parents=True, exist_ok=True)
    for name, build in MODELS.items():
        (out / f"{name}.tflite").write_bytes(build())
    labels = out / "labels.d"
    labels.mkdir(exist_ok=True)
    identity = (out / "identity_int8.tflite").read_bytes()
    (labels / "with.dots.tflite").write_bytes(identity)
    (labels / "with.dots.txt").write_text("first\nsecond label\n\nlast\n")
    (labels / "nolabels").write_bytes(identity)
    print(f"wrote {len(MODELS)} models and labels.d/ to {out}")


if __name__ == "__main__":
    main()
