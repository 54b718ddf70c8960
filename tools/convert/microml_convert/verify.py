"""The check after converting: the int8 model on the held-back samples through
TFLM (the tflite-micro package) against the float model, and through the
microml CLI against TFLM, byte for byte; arena and flash bytes; board fit."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from . import boards
from .errors import ConvertError
from .tflite_builder import S

ARENA_FOR_TFLM = 64 << 20


def find_microml(given):
    """The microml CLI: --microml, $MICROML_BIN, PATH, or this checkout's build/bin."""
    candidates = [given, os.environ.get("MICROML_BIN"), shutil.which("microml")]
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    candidates.append(os.path.join(repo, "build", "bin", "microml"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    if given:
        raise ConvertError("--microml %s: not an executable file" % given)
    return None


def _details(d):
    q = d["quantization_parameters"]
    return np.dtype(d["dtype"]), float(q["scales"][0]), int(q["zero_points"][0])


def run_tflm(model_bytes, samples):
    """Per sample, TFLM's raw outputs; `samples` are lists of stored-layout float inputs."""
    from tflite_micro.python.tflite_micro import runtime
    try:
        interp = runtime.Interpreter.from_bytes(model_bytes, arena_size=ARENA_FOR_TFLM)
    except Exception as exc:  # noqa: BLE001 - TFLM raises plain exceptions
        raise ConvertError("TFLM cannot load the converted model: %s" % str(exc).splitlines()[0]) from None
    n_out = S.Model.GetRootAs(model_bytes, 0).Subgraphs(0).OutputsLength()
    raw_inputs, outputs = [], []
    for sample in samples:
        raw = []
        for k, x in enumerate(sample):
            dtype, scale, zp = _details(interp.get_input_details(k))
            info = np.iinfo(dtype)
            q = np.clip(np.round(x / scale) + zp, info.min, info.max).astype(dtype)
            interp.set_input(q, k)
            raw.append(q)
        interp.invoke()
        outputs.append([np.array(interp.get_output(k)) for k in range(n_out)])
        raw_inputs.append(raw)
    out_q = [_details(interp.get_output_details(k)) for k in range(len(outputs[0]))]
    return raw_inputs, outputs, out_q


_PRINT_ALLOCATIONS = """
import sys
from tflite_micro.python.tflite_micro import runtime
runtime.Interpreter.from_file(sys.argv[1], arena_size=%d).print_allocations()
""" % ARENA_FOR_TFLM


def tflm_arena(model_path):
    """TFLM's arena total, which TFLM only prints (to stderr: a child process)."""
    done = subprocess.run([sys.executable, "-c", _PRINT_ALLOCATIONS, model_path], capture_output=True)
    m = re.search(rb"Arena allocation total (\d+) bytes", done.stderr)
    return int(m.group(1)) if m else None


def run_microml(binary, model_path, raw_inputs, n_outputs):
    """microml's raw outputs for the same quantized inputs, all samples in one run."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [binary, "run", model_path, "--output-dir", tmp, "--frames", str(len(raw_inputs))]
        for k in range(len(raw_inputs[0])):
            path = os.path.join(tmp, "input%d.raw" % k)
            with open(path, "wb") as f:
                for sample in raw_inputs:
                    f.write(sample[k].tobytes())
            args += ["--input", path]
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode != 0:
            return None, (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
        outs = []
        for k in range(n_outputs):
            with open(os.path.join(tmp, "output%d.bin" % k), "rb") as f:
                outs.append(f.read())
        return outs, None


def inspect_arena(binary, model_path):
    done = subprocess.run([binary, "inspect", model_path, "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        return None, (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
    return json.loads(done.stdout)["arena_bytes"], None


def agreement(float_outputs, tflm_outputs, out_q):
    """Per output: errors of the dequantized int8 output against float, in
    float units and in output steps (LSB); top-1 agreement for [1, K] outputs."""
    result = []
    for k, (dtype, scale, zp) in enumerate(out_q):
        ref = np.stack([s[k].reshape(-1) for s in float_outputs]).astype(np.float64)
        got = np.stack([(s[k].reshape(-1).astype(np.float64) - zp) * scale for s in tflm_outputs])
        err = np.abs(got - ref)
        entry = {"max_abs_error": float(err.max()), "mean_abs_error": float(err.mean()),
                 "output_scale": scale, "max_error_steps": float(err.max() / scale),
                 "float_range": [float(ref.min()), float(ref.max())]}
        if ref.shape[1] > 1 and float_outputs[0][k].ndim == 2 and float_outputs[0][k].shape[0] == 1:
            entry["top1_agreement"] = float(np.mean(ref.argmax(1) == got.argmax(1)))
        result.append(entry)
    return result


def verify(model_bytes, model_path, held_back, float_outputs, microml=None, board=None):
    """The report as a dict. `held_back`: per sample, the inputs in the
    converted model's layout (float); `float_outputs`: per sample, the float
    model's outputs."""
    raw_inputs, tflm_outputs, out_q = run_tflm(model_bytes, held_back)
    report = {"model": model_path, "samples": len(held_back), "flash_bytes": len(model_bytes),
              "tflm_arena_bytes": tflm_arena(model_path), "outputs": agreement(float_outputs, tflm_outputs, out_q)}
    binary = find_microml(microml)
    if binary is None:
        report["microml"] = {"ran": False, "why": "microml CLI not found (build it, or pass --microml)"}
        report["arena_bytes"] = None
    else:
        outs, problem = run_microml(binary, model_path, raw_inputs, len(out_q))
        if outs is None:
            report["microml"] = {"ran": False, "why": problem}
        else:
            mismatched = 0
            for i, sample in enumerate(tflm_outputs):
                for k, t in enumerate(sample):
                    size = t.nbytes
                    if outs[k][i * size:(i + 1) * size] != t.tobytes():
                        mismatched += 1
                        break
            report["microml"] = {"ran": True, "bit_exact": mismatched == 0, "mismatched_samples": mismatched,
                                 "binary": binary}
        report["arena_bytes"], problem = inspect_arena(binary, model_path)
        if problem:
            report["arena_error"] = problem
    if board is not None:
        b = boards.parse(board)
        report["board"] = dict(b, **boards.fit(b, report["arena_bytes"], len(model_bytes)))
    return report


def format_report(r):
    lines = ["wrote %s: %d bytes (flash)" % (r["model"], r["flash_bytes"])]
    arena = r.get("arena_bytes")
    lines.append("arena: %s (TFLM: %s)" % (
        "%d bytes" % arena if arena is not None else "unknown (%s)" % r.get("arena_error", r["microml"].get("why")),
        "%d bytes" % r["tflm_arena_bytes"] if r["tflm_arena_bytes"] is not None else "unknown"))
    lines.append("float vs int8 on %d held-back sample(s):" % r["samples"])
    for k, o in enumerate(r["outputs"]):
        text = "  output %d: max abs error %.4g (%.1f steps of %.4g), mean %.4g" % (
            k, o["max_abs_error"], o["max_error_steps"], o["output_scale"], o["mean_abs_error"])
        if "top1_agreement" in o:
            text += ", top-1 agreement %.1f%%" % (100 * o["top1_agreement"])
        lines.append(text)
    m = r["microml"]
    if m["ran"]:
        lines.append("microml vs TFLM: %s" % ("bit-exact on every sample" if m["bit_exact"] else
                                               "MISMATCH on %d sample(s)" % m["mismatched_samples"]))
    else:
        lines.append("microml vs TFLM: not run (%s)" % m["why"])
    if "board" in r:
        b = r["board"]
        parts = []
        if "ram" in b:
            parts.append("arena %s RAM %d" % ("fits" if b["ram_fits"] else "does NOT fit", b["ram"]))
        if "flash" in b:
            parts.append("model %s flash %d" % ("fits" if b["flash_fits"] else "does NOT fit", b["flash"]))
        lines.append("board %s: %s (firmware not counted)" % (b["name"], "; ".join(parts)))
    return "\n".join(lines)
