"""The CircuitPython write-up's MNIST-style network, from ONNX to a checked
int8 .tflite, without TensorFlow or torch:

    .venv/bin/python examples/convert/mnist_style.py OUT_DIR

writes OUT_DIR/mnist_style.onnx (the graph torch.onnx.export writes for
Conv2d(1,8,3)-ReLU-MaxPool2d(2)-Conv2d(8,16,3)-ReLU-MaxPool2d(2)-Flatten-
Linear(400,10); seeded random weights, so the digits it "reads" mean nothing),
OUT_DIR/calibration.npy (28x28 strokes in [0, 1]), converts it with
`microml convert` (printing the report) and writes OUT_DIR/input0.bin, the
first held-back sample quantized, for run_converted.py on MicroPython.
With torch installed, export your own trained network the same way:
    torch.onnx.export(net.eval(), torch.zeros(1, 1, 28, 28), "net.onnx")
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERT = os.path.join(HERE, "..", "..", "tools", "convert", "microml-convert")


def network(rng):
    def w(*shape):
        return rng.normal(0, 1 / np.sqrt(np.prod(shape[1:])), shape).astype(np.float32)

    inits = {"c1.w": w(8, 1, 3, 3), "c1.b": np.zeros(8, np.float32), "c2.w": w(16, 8, 3, 3),
             "c2.b": np.zeros(16, np.float32), "fc.w": w(10, 400), "fc.b": np.zeros(10, np.float32)}
    n = helper.make_node
    nodes = [n("Conv", ["input", "c1.w", "c1.b"], ["a"], kernel_shape=[3, 3]), n("Relu", ["a"], ["b"]),
             n("MaxPool", ["b"], ["c"], kernel_shape=[2, 2], strides=[2, 2]),
             n("Conv", ["c", "c2.w", "c2.b"], ["d"], kernel_shape=[3, 3]), n("Relu", ["d"], ["e"]),
             n("MaxPool", ["e"], ["f"], kernel_shape=[2, 2], strides=[2, 2]),
             n("Flatten", ["f"], ["g"], axis=1), n("Gemm", ["g", "fc.w", "fc.b"], ["logits"], transB=1)]
    graph = helper.make_graph(nodes, "mnist_style",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 28, 28])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
                              [numpy_helper.from_array(v, k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def strokes(rng, count):
    """Blurred random line segments: digit-like ink on a dark background."""
    images = np.zeros((count, 1, 28, 28), np.float32)
    yy, xx = np.mgrid[0:28, 0:28]
    for img in images:
        for _ in range(rng.integers(1, 4)):
            (y0, x0), (y1, x1) = rng.uniform(4, 24, (2, 2))
            t = np.clip(((yy - y0) * (y1 - y0) + (xx - x0) * (x1 - x0)) /
                        max((y1 - y0) ** 2 + (x1 - x0) ** 2, 1e-6), 0, 1)
            dist = np.hypot(yy - (y0 + t * (y1 - y0)), xx - (x0 + t * (x1 - x0)))
            img[0] = np.maximum(img[0], np.clip(1.5 - dist / 1.2, 0, 1))
    return images


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(0)
    model_path = os.path.join(out_dir, "mnist_style.onnx")
    onnx.save(network(rng), model_path)
    samples = strokes(rng, 100)
    np.save(os.path.join(out_dir, "calibration.npy"), samples)
    tflite = os.path.join(out_dir, "mnist_style.tflite")
    status = subprocess.call([CONVERT, model_path, "-o", tflite, "--calibration",
                              os.path.join(out_dir, "calibration.npy"), "--board", "rp2040"])
    if status:
        return status
    from tflite_micro.python.tflite_micro import runtime
    details = runtime.Interpreter.from_file(tflite, arena_size=1 << 20).get_input_details(0)
    scale, zp = details["quantization_parameters"]["scales"][0], details["quantization_parameters"]["zero_points"][0]
    first_held_back = samples[80].transpose(1, 2, 0)  # NCHW -> HWC
    q = np.clip(np.round(first_held_back / scale) + zp, -128, 127).astype(np.int8)
    q.tofile(os.path.join(out_dir, "input0.bin"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "mnist_style_out"))
