"""microml convert MODEL -o OUT.tflite --calibration DATA [options]"""
import argparse
import json
import os
import sys

from . import boards, data, verify
from .errors import ConvertError

DESCRIPTION = """Converts a trained model to an int8 .tflite and checks it: float vs int8
agreement on held-back calibration samples, microml vs TFLM bit-exactness, arena
and flash bytes. MODEL is an ONNX file (converted without TensorFlow) or a Keras
.keras/.h5 file or SavedModel directory (needs TensorFlow). DATA is a .npy (one
input), a .npz (one array per input name) or a folder of images; samples lie
along the first axis, in the model's own layout (NCHW for ONNX)."""


def parse_args(argv):
    p = argparse.ArgumentParser(prog="microml convert", description=DESCRIPTION)
    p.add_argument("model")
    p.add_argument("-o", "--output", required=True, help="the .tflite to write")
    p.add_argument("--calibration", required=True, metavar="DATA")
    p.add_argument("--io-dtype", default="int8", choices=["int8", "uint8"],
                   help="type of the model's inputs and outputs (default int8)")
    p.add_argument("--board", help="a profile (openmv-h7, rp2040, ...) or ram=512K,flash=2M")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--microml", help="the microml CLI to check with (default: build/bin/microml, PATH)")
    return p.parse_args(argv)


def convert_onnx_file(args):
    from . import convert_onnx, onnx_model
    model = onnx_model.load(args.model)
    inputs = onnx_model.graph_inputs(model)
    calib, held = data.split(data.load_samples(args.calibration, inputs))
    shapes, ranges = onnx_model.calibrate(model, inputs, calib)
    model_bytes, perms = convert_onnx.convert(model, inputs, shapes, ranges, args.io_dtype)
    n_held = len(held[inputs[0].name])
    held_inputs = [[held[inp.name][i:i + 1].transpose(perm) for inp, perm in zip(inputs, perms)]
                   for i in range(n_held)]
    return model_bytes, held_inputs, onnx_model.float_outputs(model, inputs, held)


def run(args):
    if not os.path.exists(args.model):
        raise ConvertError("%s does not exist" % args.model)
    if args.board is not None:
        boards.parse(args.board)  # a typo fails before the conversion, not after
    from . import keras_path
    if keras_path.is_tensorflow_model(args.model):
        model_bytes, held_inputs, float_outputs = keras_path.convert(args.model, args.calibration,
                                                                     args.io_dtype)
    elif os.path.isdir(args.model):
        raise ConvertError("%s is a directory without saved_model.pb (give an .onnx, .keras or .h5 file "
                           "or a SavedModel directory)" % args.model)
    else:
        model_bytes, held_inputs, float_outputs = convert_onnx_file(args)
    try:
        with open(args.output, "wb") as f:
            f.write(model_bytes)
    except OSError as exc:
        raise ConvertError("cannot write %s: %s" % (args.output, exc.strerror)) from None
    return verify.verify(model_bytes, args.output, held_inputs, float_outputs, args.microml, args.board)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        report = run(args)
    except ConvertError as exc:
        print("microml convert: error: %s" % exc, file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug, still reported in one line
        if os.environ.get("MICROML_CONVERT_DEBUG"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        print("microml convert: internal error: %s: %s (MICROML_CONVERT_DEBUG=1 shows where)" %
              (type(exc).__name__, first), file=sys.stderr)
        return 1
    print(json.dumps(report, indent=1) if args.json else verify.format_report(report))
    m = report["microml"]
    if m["ran"] and not m["bit_exact"]:
        print("microml convert: error: microml and TFLM disagree on %d held-back sample(s)" %
              m["mismatched_samples"], file=sys.stderr)
        return 1
    return 0
